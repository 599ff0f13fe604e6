import type { AddressInfo, Socket } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/**
 * What the server does once it has read a whole message: accept it, accept it after a while (a slow server), reply
 * with a code, or drop the connection.
 */
export type MessageVerdict = 'accept' | { acceptAfterMs: number } | 'drop' | { code: number; text: string };

export interface ScriptedSmtpServer {
  port: number;
  /** Every message read to its end, in arrival order (accepted, refused or dropped alike). */
  received: { to: string; subject: string; verdict: MessageVerdict }[];
  /** Copies of messages to `to` read to their end, whatever was answered. */
  copiesTo(to: string, subject?: string): number;
  /** Whether logins are accepted (a refused login answers 535). */
  acceptLogins: boolean;
  close(): Promise<void>;
}

/**
 * A real SMTP server over TCP (smtp-server) whose answer after the message data is scripted per message: `drop`
 * reads the whole message, final dot included, then destroys the socket without replying — what a server crash or
 * a network cut after DATA looks like to the sender.
 */
export async function startScriptedSmtpServer(
  verdictFor: (message: { to: string; subject: string; copy: number }) => MessageVerdict = () => 'accept',
): Promise<ScriptedSmtpServer> {
  const received: ScriptedSmtpServer['received'] = [];
  const state = { acceptLogins: true };
  const server: SMTPServer = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (_auth, _session, callback) =>
      state.acceptLogins
        ? callback(null, { user: 'test' })
        : callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 })),
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const to = session.envelope.rcptTo[0]?.address ?? '';
        const subject = /^Subject: (.*)$/im.exec(Buffer.concat(chunks).toString('utf8'))?.[1]?.trim() ?? '';
        const copy = received.filter((message) => message.to === to && message.subject === subject).length + 1;
        const verdict = verdictFor({ to, subject, copy });
        received.push({ to, subject, verdict });
        if (verdict === 'accept') return callback();
        if (verdict === 'drop') return socketOf(server, session)?.destroy();
        if ('acceptAfterMs' in verdict) return void setTimeout(callback, verdict.acceptAfterMs);
        callback(Object.assign(new Error(verdict.text), { responseCode: verdict.code }));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    copiesTo: (to, subject) =>
      received.filter((message) => message.to === to && (subject === undefined || message.subject === subject)).length,
    get acceptLogins() {
      return state.acceptLogins;
    },
    set acceptLogins(value: boolean) {
      state.acceptLogins = value;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** smtp-server keeps its connections in a set; the test needs the raw socket of one session to cut it. */
function socketOf(server: SMTPServer, session: SMTPServerSession): Socket | undefined {
  const connections = (server as unknown as { connections: Set<{ session: { id: string }; _socket: Socket }> })
    .connections;
  for (const connection of connections) if (connection.session.id === session.id) return connection._socket;
  return undefined;
}
