import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { OutboundHostPolicy } from '../../src/mail/outbound-host-policy';
import { SmtpClient, type SmtpAccount } from '../../src/mail/smtp';

/**
 * A real SMTP server that counts connections and messages; with `hangUpOnReuse`, it answers 421 to the first command
 * of a second message on a connection, as a server does that closed a connection it found idle too long.
 */
async function startCountingServer(options: { hangUpOnReuse?: boolean } = {}) {
  const counts = { connections: 0, messages: [] as string[] };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onConnect: (_session, callback) => {
      counts.connections += 1;
      callback();
    },
    onMailFrom: (_address, session, callback) => {
      if (options.hangUpOnReuse && (session as { transaction?: number }).transaction! > 1) {
        return callback(Object.assign(new Error('4.4.2 Idle too long, closing connection'), { responseCode: 421 }));
      }
      callback();
    },
    onData: (stream, session, callback) => {
      let text = '';
      stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
      stream.on('end', () => {
        counts.messages.push(`${session.envelope.rcptTo[0]!.address}: ${/^Subject: (.*)$/m.exec(text)?.[1]}`);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { counts, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function message(to: string, subject: string) {
  const raw = Buffer.from(`From: sender@sender.test\r\nTo: ${to}\r\nSubject: ${subject}\r\n\r\nHello.\r\n`);
  return { raw, envelope: { from: 'sender@sender.test', to: [to] } };
}

describe('SMTP connections: kept open for the next message of the same account', () => {
  const account = (port: number): SmtpAccount => ({
    host: '127.0.0.1',
    port,
    security: 'none',
    username: 'sender@sender.test',
    password: 'secret',
  });
  let client: SmtpClient;

  beforeEach(() => {
    client = new SmtpClient(new OutboundHostPolicy({ mode: 'default', allow: [] }));
  });

  afterEach(() => client.close());

  it('when one account sends three messages back to back, then they go over one connection', async () => {
    const server = await startCountingServer();
    try {
      for (const subject of ['one', 'two', 'three']) {
        expect(await client.send(account(server.port), message('a@example.test', subject))).toMatchObject({
          kind: 'sent',
        });
      }
      expect(server.counts.messages).toEqual(['a@example.test: one', 'a@example.test: two', 'a@example.test: three']);
      expect(server.counts.connections).toBe(1);
    } finally {
      client.close();
      await server.close();
    }
  });

  it('when the server hangs up on a kept connection, then the message goes once over a new one and is sent', async () => {
    const server = await startCountingServer({ hangUpOnReuse: true });
    try {
      expect(await client.send(account(server.port), message('b@example.test', 'first'))).toMatchObject({
        kind: 'sent',
      });
      const second = await client.send(account(server.port), message('b@example.test', 'second'));
      expect(second).toMatchObject({ kind: 'sent' });
      expect(server.counts.messages).toEqual(['b@example.test: first', 'b@example.test: second']);
      expect(server.counts.connections).toBe(2);
    } finally {
      client.close();
      await server.close();
    }
  });

  it('when two accounts share a server, then neither gets the other one’s connection', async () => {
    const server = await startCountingServer();
    try {
      await client.send(account(server.port), message('c@example.test', 'from one'));
      await client.send(
        { ...account(server.port), username: 'other@sender.test' },
        message('c@example.test', 'from two'),
      );
      await client.send(account(server.port), message('c@example.test', 'one again'));
      expect(server.counts.messages).toHaveLength(3);
      expect(server.counts.connections).toBe(2);
    } finally {
      client.close();
      await server.close();
    }
  });
});
