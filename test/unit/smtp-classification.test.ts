import { classifySmtpError } from '../../src/mail/smtp';

describe('classifySmtpError', () => {
  describe('when the server replies with a code', () => {
    it('then a 5xx refusing the recipient is a permanent rejection (hard bounce)', () => {
      const result = classifySmtpError({
        responseCode: 550,
        command: 'RCPT TO',
        response: '550 5.1.1 <nobody@example.com>: Recipient address rejected',
      });

      expect(result).toEqual({
        kind: 'rejected_permanent',
        code: 550,
        response: '550 5.1.1 <nobody@example.com>: Recipient address rejected',
      });
    });

    it('then a 5xx refusing the message data is a permanent rejection', () => {
      const result = classifySmtpError({ responseCode: 554, command: 'DATA', response: '554 5.7.1 Message rejected' });

      expect(result).toMatchObject({ kind: 'rejected_permanent', code: 554 });
    });

    it('then a 5xx on an envelope error is a permanent rejection', () => {
      const result = classifySmtpError({ code: 'EENVELOPE', responseCode: 553, command: 'MAIL FROM' });

      expect(result).toMatchObject({ kind: 'rejected_permanent', code: 553 });
    });

    it('then a 5xx on authentication is temporary: a problem on our side, not a bounce', () => {
      const result = classifySmtpError({ responseCode: 535, command: 'AUTH PLAIN', response: '535 Bad credentials' });

      expect(result).toEqual({ kind: 'rejected_temporary', code: 535, response: '535 Bad credentials' });
    });

    it('then a 4xx on the recipient is a temporary rejection', () => {
      const result = classifySmtpError({ responseCode: 451, command: 'RCPT TO', response: '451 Try again later' });

      expect(result).toMatchObject({ kind: 'rejected_temporary', code: 451 });
    });

    it('then a lower-case command is recognised too', () => {
      expect(classifySmtpError({ responseCode: 550, command: 'rcpt to' }).kind).toBe('rejected_permanent');
    });
  });

  describe('when there is no reply code', () => {
    it('then a failure to connect is a connection error', () => {
      const result = classifySmtpError({ code: 'ECONNECTION', command: 'CONN', message: 'connect ECONNREFUSED' });

      expect(result).toEqual({ kind: 'connection_error', response: 'connect ECONNREFUSED' });
    });

    it('then a timeout while sending the message data leaves the outcome unknown', () => {
      const result = classifySmtpError({ code: 'ETIMEDOUT', command: 'DATA', message: 'Timeout' });

      expect(result).toEqual({ kind: 'unknown', response: 'Timeout' });
    });

    it('then a broken stream leaves the outcome unknown', () => {
      expect(classifySmtpError({ code: 'ESTREAM', message: 'stream error' }).kind).toBe('unknown');
    });

    it('then a timeout while connecting is a connection error', () => {
      expect(classifySmtpError({ code: 'ETIMEDOUT', command: 'CONN' }).kind).toBe('connection_error');
    });

    it('then a non-object failure is still classified, with its text as the response', () => {
      expect(classifySmtpError('socket hang up')).toEqual({ kind: 'connection_error', response: 'socket hang up' });
    });
  });

  describe('when the error carries both a response and a message', () => {
    it("then the server's response is preferred", () => {
      const result = classifySmtpError({
        responseCode: 550,
        command: 'RCPT TO',
        response: '550 No such user',
        message: "Can't send mail - all recipients were rejected",
      });

      expect(result).toMatchObject({ response: '550 No such user' });
    });
  });
});
