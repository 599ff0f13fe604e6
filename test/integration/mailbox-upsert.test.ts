import crypto from 'node:crypto';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import { campaignBody, dkimKeys, uniqueEmail } from '../helpers/factories';
import { CAMPAIGNS } from '../helpers/api-paths';
import {
  stackWithOrganization,
  eventually,
  messagesTo,
  rawMessage,
  type ApiClient,
  type TestStack,
} from '../helpers/test-stack';

/**
 * A mailbox is shared by every campaign naming the same SMTP host and username: a later campaign that leaves its IMAP
 * or DKIM settings out must not erase them for the others.
 */
describe('re-creating a mailbox through another campaign', () => {
  let stack: TestStack;
  let api: ApiClient;
  const keys = dkimKeys();

  beforeAll(async () => {
    ({ stack, api } = await stackWithOrganization());
  });

  afterAll(async () => {
    await stack.close();
  });

  const mailboxRow = async (smtpUsername: string) =>
    (
      await stack.db.dataSource.query<
        {
          label: string | null;
          from_name: string | null;
          imap_host: string | null;
          imap_username: string | null;
          imap_password_encrypted: string | null;
          dkim_domain: string | null;
          dkim_private_key_encrypted: string | null;
          daily_limit: number;
        }[]
      >(
        `SELECT label, from_name, imap_host, imap_username, imap_password_encrypted, dkim_domain,
                dkim_private_key_encrypted, daily_limit
           FROM mailboxes WHERE smtp_username = $1`,
        [smtpUsername],
      )
    )[0]!;

  /** A campaign sending from `smtpUsername` on the stack's SMTP server, with these extra credential fields. */
  async function createCampaign(smtpUsername: string, credential: Record<string, unknown>): Promise<string> {
    const body = campaignBody(stack.info, { steps: [{ subject: 'Hello {{first_name}}', delaySeconds: 0 }] });
    const [base] = body.campaign.smtp_credentials;
    const campaign = { ...body.campaign, smtp_credentials: [{ ...base, smtp_username: smtpUsername, ...credential }] };
    return (await api.post(CAMPAIGNS, { campaign }).expect(201)).body.data.id as string;
  }

  it('when a second campaign names the mailbox without IMAP or DKIM, then both keep their values', async () => {
    const smtpUsername = `shared-${crypto.randomBytes(4).toString('hex')}@sender.test`;
    const first = await createCampaign(smtpUsername, {
      imap_host: stack.info.imap.host,
      imap_port: stack.info.imap.port,
      imap_security: 'none',
      imap_username: `mb-${crypto.randomBytes(4).toString('hex')}@imap.test`,
      imap_password: stack.info.imap.password,
      dkim_domain: 'sender.test',
      dkim_selector: 'seq2026',
      dkim_private_key: keys.pem,
    });
    const before = await mailboxRow(smtpUsername);

    // No IMAP, no DKIM, no label, no from_name (undefined leaves the factory's out of the JSON body).
    const second = await createCampaign(smtpUsername, { daily_limit: 7, label: undefined, from_name: undefined });

    const after = await mailboxRow(smtpUsername);
    expect(after).toEqual({ ...before, daily_limit: 7 });
    expect(after.imap_host).toBe(stack.info.imap.host);
    expect(after.dkim_domain).toBe('sender.test');
    for (const campaignId of [first, second]) {
      const [credential] = (await api.get(`${CAMPAIGNS}/${campaignId}`).expect(200)).body.data.credentials;
      expect(credential).toMatchObject({
        imap_host: stack.info.imap.host,
        dkim: { domain: 'sender.test', selector: 'seq2026' },
        daily_limit: 7,
      });
    }

    // The second campaign's messages are still signed with the key the first one gave.
    const email = uniqueEmail('signed');
    await api.post(`${CAMPAIGNS}/${second}/enroll_contact`, { contact: { email, first_name: 'Ada' } }).expect(201);
    await api.post(`${CAMPAIGNS}/${second}/dispatch`).expect(202);
    const [message] = await eventually(
      async () => {
        const received = await messagesTo(stack.info, [email]);
        return received.length > 0 ? received : null;
      },
      { what: `the message to ${email}` },
    );
    const resolver = keys.resolverAt('seq2026', 'sender.test');
    const { results } = await dkimVerify(Buffer.from(await rawMessage(stack.info, message!)), { resolver });
    expect(results.map((result) => result.status.result)).toEqual(['pass']);
  });

  it('when a second campaign gives new IMAP and DKIM settings, then they replace the old ones as a group', async () => {
    const smtpUsername = `shared-${crypto.randomBytes(4).toString('hex')}@sender.test`;
    const imap = {
      imap_host: stack.info.imap.host,
      imap_port: stack.info.imap.port,
      imap_security: 'none',
      imap_password: stack.info.imap.password,
    };
    await createCampaign(smtpUsername, {
      ...imap,
      imap_username: 'first@imap.test',
      label: 'First label',
      from_name: 'First Name',
      dkim_domain: 'sender.test',
      dkim_selector: 'old',
      dkim_private_key: keys.pem,
    });
    const before = await mailboxRow(smtpUsername);

    await createCampaign(smtpUsername, {
      ...imap,
      imap_username: 'second@imap.test',
      label: 'Second label',
      from_name: 'Second Name',
      dkim_domain: 'other.test',
      dkim_selector: 'new',
      dkim_private_key: dkimKeys().pem,
    });

    const after = await mailboxRow(smtpUsername);
    expect(after).toMatchObject({
      label: 'Second label',
      from_name: 'Second Name',
      imap_username: 'second@imap.test',
      dkim_domain: 'other.test',
    });
    expect(after.imap_password_encrypted).not.toBe(before.imap_password_encrypted); // encrypted anew
    expect(after.dkim_private_key_encrypted).not.toBe(before.dkim_private_key_encrypted);
  });
});
