import crypto from 'node:crypto';
import request from 'supertest';
import { createLogger } from '../../src/logger';
import { CAMPAIGNS } from '../helpers/api-paths';
import { campaignBody, campaignBodyWithPasswords } from '../helpers/factories';
import { connectTestStack, eventually, type TestStack } from '../helpers/test-stack';

/** SMTP and IMAP passwords never leave the server: not in a campaign API response, not in a log line. */
describe('the campaign API of the reference, end to end on the real stack', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await connectTestStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  describe('secrets', () => {
    it('when campaigns are created, read, listed, patched, refused and not found, then no response and no log line carries a password', async () => {
      const lines: string[] = [];
      const logger = createLogger('trace', {}, { write: (line: string) => void lines.push(line) });
      const app = stack.appWith({ logger });
      const { apiKey } = await stack.newOrganization();
      const smtpPassword = `smtp-pw-${crypto.randomBytes(12).toString('hex')}`;
      const imapPassword = `imap-pw-${crypto.randomBytes(12).toString('hex')}`;
      const body = campaignBodyWithPasswords(stack.info, { smtp: smtpPassword, imap: imapPassword });
      const refused = campaignBody(stack.info);
      Object.assign(refused.campaign.smtp_credentials[0]!, {
        smtp_port: 0,
        smtp_password: smtpPassword,
        imap_host: '127.0.0.1',
        imap_port: 993,
        imap_username: 'someone',
        imap_password: imapPassword,
      });
      const call = (method: 'get' | 'post' | 'patch', url: string, payload?: object) => {
        const pending = request(app)[method](url).set('X-API-KEY', apiKey);
        return payload ? pending.send(payload) : pending;
      };

      const created = await call('post', CAMPAIGNS, body);
      const id: string = created.body.data.id;
      const responses = [
        created,
        await call('get', `${CAMPAIGNS}/${id}`),
        await call('get', CAMPAIGNS),
        await call('patch', `${CAMPAIGNS}/${id}`, { campaign: { name: 'Patched' } }),
        await call('post', CAMPAIGNS, refused),
        await call('get', `${CAMPAIGNS}/${crypto.randomUUID()}`),
      ];

      expect(responses.map((response) => response.status)).toEqual([201, 200, 200, 200, 422, 404]);
      await eventually(
        () => Promise.resolve(lines.filter((line) => /"responseTime"/.test(line)).length >= responses.length),
        {
          what: 'a log line per request',
          timeoutMs: 5_000,
        },
      );
      const logged = lines.map((line) => JSON.parse(line) as { req?: { method: string; url: string }; res?: object });
      expect(logged.filter((entry) => entry.req && entry.res).map((entry) => entry.req!.method)).toEqual([
        'POST',
        'GET',
        'GET',
        'PATCH',
        'POST',
        'GET',
      ]);
      for (const response of responses) {
        expect(response.text).not.toContain(smtpPassword);
        expect(response.text).not.toContain(imapPassword);
      }
      const log = lines.join('');
      expect(log).not.toContain(smtpPassword);
      expect(log).not.toContain(imapPassword);
      expect(log).not.toContain(apiKey);
    });
  });
});
