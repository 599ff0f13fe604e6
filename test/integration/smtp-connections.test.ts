import net, { type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { OutboundHostPolicy } from '../../src/mail/outbound-host-policy';
import { SmtpClient, type SmtpAccount } from '../../src/mail/smtp';
import { startScriptedSmtpServer } from '../helpers/scripted-smtp-server';

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

const account = (port: number): SmtpAccount => ({
  host: '127.0.0.1',
  port,
  security: 'none',
  username: 'sender@sender.test',
  password: 'secret',
});

/** A TCP server that never finishes its greeting: a continuation line every 100 ms, each resetting idle timers. */
async function startTricklingServer() {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const timer = setInterval(() => socket.write('220-still warming up\r\n'), 100);
    socket.on('close', () => (clearInterval(timer), sockets.delete(socket)));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      sockets.forEach((socket) => socket.destroy());
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('SMTP conversations: bounded as a whole, however slowly a server answers', () => {
  const hosts = new OutboundHostPolicy({ mode: 'default', allow: [] });

  it('when a server trickles its greeting past the limit, then the send fails as a connection error (retried later)', async () => {
    const server = await startTricklingServer();
    const client = new SmtpClient(hosts, { conversationMs: 1_000 });
    try {
      const result = await client.send(account(server.port), message('slow@example.test', 'greeting'));
      expect(result).toEqual({
        kind: 'connection_error',
        response: 'the SMTP conversation took longer than 1 s',
      });
    } finally {
      client.close();
      await server.close();
    }
  });

  it('when a server has the whole message but answers after the limit, then the outcome is unknown (never re-sent)', async () => {
    const server = await startScriptedSmtpServer(() => ({ acceptAfterMs: 3_000 }));
    const client = new SmtpClient(hosts, { conversationMs: 1_000 });
    try {
      const result = await client.send(account(server.port), message('late@example.test', 'final reply'));
      expect(result).toEqual({ kind: 'unknown', response: 'the SMTP conversation took longer than 1 s' });
      expect(server.copiesTo('late@example.test')).toBe(1);
    } finally {
      client.close();
      await server.close();
    }
  });
});

describe('SMTP connections: kept open for the next message of the same account', () => {
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
