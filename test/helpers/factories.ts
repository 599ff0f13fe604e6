import crypto from 'node:crypto';
import type { StackInfo } from './stack-file';

export function uniqueEmail(prefix = 'contact'): string {
  return `${prefix}-${crypto.randomBytes(6).toString('hex')}@example.test`;
}

/** A domain of its own per test, so block-list entries never reach another test's contacts. */
export function uniqueDomain(prefix = 'blocked'): string {
  return `${prefix}-${crypto.randomBytes(5).toString('hex')}.example`;
}

/** A campaign body as in the reference, sending to the stack's SMTP server, with delays given in seconds. */
export function campaignBody(
  info: StackInfo,
  options: {
    name?: string;
    dailyLimit?: number;
    steps?: { subject: string; body?: string; delaySeconds: number }[];
  } = {},
) {
  const steps = options.steps ?? [
    { subject: 'Hello {{first_name}}', delaySeconds: 0 },
    { subject: 'Following up, {{first_name}}', delaySeconds: 2 },
  ];
  return {
    campaign: {
      name: options.name ?? `Campaign ${crypto.randomUUID().slice(0, 8)}`,
      min_wait_seconds: 0,
      max_wait_seconds: 0,
      smtp_credentials: [
        {
          label: 'Test SMTP',
          smtp_host: '127.0.0.1',
          smtp_port: info.smtpPort,
          smtp_security: 'none',
          smtp_username: `sender-${crypto.randomBytes(4).toString('hex')}@sender.test`,
          smtp_password: 'secret-password',
          from_name: 'Sequencer Tests',
          daily_limit: options.dailyLimit ?? 1000,
        },
      ],
      sequence_steps: steps.map((step, index) => ({
        position: index + 1,
        subject: step.subject,
        body_html: step.body ?? `<p>Hi {{first_name}}, this is step ${index + 1}.</p>`,
        delay_minutes: step.delaySeconds / 60,
      })),
    },
  };
}

/** A campaign body whose mailbox has these SMTP and IMAP passwords (IMAP on 127.0.0.1:993, the SMTP username). */
export function campaignBodyWithPasswords(info: StackInfo, passwords: { smtp: string; imap: string }) {
  const body = campaignBody(info);
  const mailbox = body.campaign.smtp_credentials[0]!;
  Object.assign(mailbox, {
    smtp_password: passwords.smtp,
    imap_host: '127.0.0.1',
    imap_port: 993,
    imap_username: mailbox.smtp_username,
    imap_password: passwords.imap,
  });
  return body;
}

/**
 * A DKIM key pair: the private key as PEM, for a campaign's `dkim_private_key`, and a stub DNS resolver for
 * mailauth's `dkimVerify` that publishes the public key at `selector._domainkey.domain` only.
 */
export function dkimKeys() {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const record = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
  const resolverAt = (selector: string, domain: string) => (name: string, type: string) =>
    name === `${selector}._domainkey.${domain}` && type === 'TXT'
      ? Promise.resolve([[record]])
      : Promise.reject(Object.assign(new Error(`no ${type} record for ${name}`), { code: 'ENOTFOUND' }));
  return { pem, resolverAt };
}
