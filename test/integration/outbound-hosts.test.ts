import crypto from 'node:crypto';
import net from 'node:net';
import { SecretBox } from '../../src/crypto/secret-box';
import { InboundMailService } from '../../src/domain/inbound/inbound-mail.service';
import { MailboxReader } from '../../src/domain/inbound/mailbox-reader';
import { createLogger } from '../../src/logger';
import { ImapSession } from '../../src/mail/imap-client';
import { OutboundHostPolicy, OutboundHostRefusedError } from '../../src/mail/outbound-host-policy';
import { REPLY_LINE_MAX } from '../../src/mail/reply-line';
import { CAMPAIGNS } from '../helpers/api-paths';
import { campaignBody } from '../helpers/factories';
import { stackWithOrganization, type ApiClient, type TestStack } from '../helpers/test-stack';

/**
 * A TCP server on 127.0.0.1 that counts connections and greets each with `greeting`; then it answers every IMAP
 * command with `BAD` and `refusal`, or hangs up when there is none.
 */
async function countingServer(
  greeting: string,
  refusal?: string,
): Promise<{ port: number; connections: () => number; close(): void }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.on('error', () => undefined);
    if (refusal === undefined) return void socket.end(greeting);
    socket.write(greeting);
    socket.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\r\n').filter(Boolean))
        socket.write(`${line.split(' ')[0]} BAD ${refusal}\r\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    close: () => server.close(),
  };
}

/** An answer a server might send to smuggle text into what we show: colours, a screen clear, 5 kB on one line. */
const HOSTILE_ANSWER = `\u001b[31mcontact evil@example.test\u001b[0m\u001b[2J${'A'.repeat(5_000)}`;

/**
 * Tenants choose their SMTP and IMAP hosts: the outbound host policy keeps those connections away from cloud metadata
 * and link-local addresses (and, in `public-only` mode, from the deployment's own networks), and what a server answers
 * reaches the API as one short line only.
 */
describe('the outbound host policy', () => {
  let stack: TestStack;
  let api: ApiClient;
  let organizationId: string;

  beforeAll(async () => {
    ({ stack, api, organizationId } = await stackWithOrganization());
  });

  afterAll(async () => {
    await stack.close();
  });

  const counts = async () => ({
    campaigns: (await stack.db.repos.campaigns.listByOrganization(organizationId)).length,
    mailboxes: (await stack.db.repos.mailboxes.usageForOrganization(organizationId)).length,
  });

  /** A campaign body whose one credential has these fields on top of the factory's. */
  const bodyWith = (credential: Record<string, unknown>) => {
    const body = campaignBody(stack.info, { steps: [{ subject: 'Hello', delaySeconds: 0 }] });
    const [base] = body.campaign.smtp_credentials;
    return { campaign: { ...body.campaign, smtp_credentials: [{ ...base, ...credential }] } };
  };

  const imapOf = (host: string, port: number) => ({
    imap_host: host,
    imap_port: port,
    imap_security: 'none',
    imap_username: `mb-${crypto.randomBytes(4).toString('hex')}@imap.test`,
    imap_password: 'imap-password',
  });

  describe('when a campaign is created with a host the policy refuses whatever DNS says', () => {
    it.each([
      ['smtp_host', '169.254.169.254', /169\.254\.169\.254 is a cloud metadata address/],
      ['smtp_host', '::ffff:169.254.169.254', /is 169\.254\.169\.254, a cloud metadata address/],
      ['smtp_host', '2852039166', /2852039166 is 169\.254\.169\.254, a cloud metadata address/],
      ['smtp_host', '100.100.100.200', /100\.100\.100\.200 is a cloud metadata address/],
      ['smtp_host', '169.254.1.1', /169\.254\.1\.1 is a link-local address/],
      ['smtp_host', '0.0.0.0', /0\.0\.0\.0 is an unspecified address/],
      ['smtp_host', 'metadata.google.internal', /metadata\.google\.internal is a cloud metadata host name/],
      ['imap_host', 'fd00:ec2::254', /fd00:ec2::254 is a cloud metadata address/],
      ['imap_host', 'metadata', /metadata is a cloud metadata host name/],
    ])('then %s %s is a 422 naming the field and how to allow it, and nothing is created', async (field, host, why) => {
      const before = await counts();
      const credential = field === 'smtp_host' ? { smtp_host: host } : imapOf(host, 143);

      const response = await api.post(CAMPAIGNS, bodyWith(credential)).expect(422);

      expect(response.body.code).toBe('validation_failed');
      expect(response.body.errors).toHaveLength(1);
      expect(response.body.errors[0]).toMatch(new RegExp(`^campaign\\.smtp_credentials\\.0\\.${field}: `));
      expect(response.body.errors[0]).toMatch(why);
      expect(response.body.errors[0]).toContain('OUTBOUND_ALLOW=');
      expect(await counts()).toEqual(before);
    });
  });

  it('when the hosts are names, loopback or private addresses, then the default policy saves the campaign', async () => {
    await api.post(CAMPAIGNS, bodyWith({ smtp_host: 'smtp.example.com' })).expect(201);
    await api.post(CAMPAIGNS, bodyWith({ smtp_host: '10.1.2.3', ...imapOf('localhost', 143) })).expect(201);
  });

  describe('when an IMAP host name resolves to an address the policy refuses', () => {
    it('then the monitor refuses it without connecting, and the mailbox shows a one-line error', async () => {
      const server = await countingServer('* OK ready\r\n');
      try {
        const created = await api.post(CAMPAIGNS, bodyWith(imapOf('localhost', server.port))).expect(201);
        const [credential] = (await api.get(`${CAMPAIGNS}/${created.body.data.id}`).expect(200)).body.data.credentials;
        // The worker's own reader reads with the same code; this one runs a multi-tenant deployment's policy.
        const publicOnly = readerWith(new OutboundHostPolicy({ mode: 'public-only', allow: [] }));

        const failure: unknown = await publicOnly
          .watch(credential.id, { forMs: 1_000 })
          .catch((error: unknown) => error);

        expect(failure).toBeInstanceOf(OutboundHostRefusedError);
        expect(server.connections()).toBe(0);
        const shown = (await api.get(`${CAMPAIGNS}/${created.body.data.id}`).expect(200)).body.data.credentials[0];
        expect(shown.imap_status).toBe('error');
        expect(shown.imap_error).toMatch(
          /^localhost resolves to (127\.0\.0\.1|::1), a loopback address: mail connections there are refused under OUTBOUND_HOSTS=public-only\./,
        );
        expect(shown.imap_error).toContain('OUTBOUND_ALLOW=');
        expectOneLine(shown.imap_error);

        // The same mailbox under the default policy does reach the server: the zero above is the policy's doing.
        await stack.reader.watch(credential.id, { forMs: 1_000 }).catch(() => undefined);
        expect(server.connections()).toBe(1);
      } finally {
        server.close();
      }
    });
  });

  describe('when an IMAP server refuses the login with escape sequences and kilobytes of text', () => {
    /** Creates a mailbox on the hostile server, lets a session fail, and answers what its credential shows. */
    async function failedMailbox(imapUsername: string) {
      const server = await countingServer('* OK ready\r\n', HOSTILE_ANSWER);
      try {
        const credential = { ...imapOf('127.0.0.1', server.port), imap_username: imapUsername };
        const created = await api.post(CAMPAIGNS, bodyWith(credential)).expect(201);
        const path = `${CAMPAIGNS}/${created.body.data.id}`;
        const [mailbox] = (await api.get(path).expect(200)).body.data.credentials;

        await expect(stack.reader.watch(mailbox.id, { forMs: 1_000 })).rejects.toThrow();

        expect(server.connections()).toBe(1);
        const shown = (await api.get(path).expect(200)).body.data.credentials[0];
        expect(shown.imap_status).toBe('error');
        return shown.imap_error as string;
      } finally {
        server.close();
      }
    }

    it("then the mailbox shows one short printable line, the server's reason included", async () => {
      const error = await failedMailbox('mb-hostile@imap.test');

      expect(error).toMatch(
        /^IMAP login as mb-hostile@imap\.test on 127\.0\.0\.1:\d+ was refused; check the IMAP username and password \(the server said: contact evil@example\.testA+…\)$/,
      );
      expectOneLine(error);
    });

    it('then a username with line breaks and escapes, echoed in the error, adds neither', async () => {
      const error = await failedMailbox(`mb${'B'.repeat(200)}\r\nX-Injected: yes\u001b[2J`);

      expect(error).toMatch(
        /^IMAP login as mbB{61}… on 127\.0\.0\.1:\d+ was refused; check the IMAP username and password/,
      );
      expect(error).not.toContain('X-Injected');
      expectOneLine(error);
    });
  });

  function readerWith(hosts: OutboundHostPolicy): MailboxReader {
    const logger = createLogger('silent');
    return new MailboxReader({
      db: stack.db,
      secrets: new SecretBox(stack.info.secretKey),
      logger,
      openSession: (account) => ImapSession.open(account, hosts),
      inbound: new InboundMailService(stack.db, stack.services.enrollmentControl, logger),
    });
  }
});

function expectOneLine(text: string): void {
  expect(Array.from(text).length).toBeLessThanOrEqual(REPLY_LINE_MAX);
  // eslint-disable-next-line no-control-regex
  expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
}
