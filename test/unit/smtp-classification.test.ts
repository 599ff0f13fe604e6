import { classifySmtpFailure } from '../../src/mail/smtp';
import { OutboundHostPolicy } from '../../src/mail/outbound-host-policy';

describe('classifySmtpFailure', () => {
  describe('when the server replies with a code', () => {
    it('then a 5xx refusing the recipient is a permanent rejection (hard bounce)', () => {
      const result = classifySmtpFailure(
        {
          responseCode: 550,
          command: 'RCPT TO',
          response: '550 5.1.1 <nobody@example.com>: Recipient address rejected',
        },
        'envelope',
      );

      expect(result).toEqual({
        kind: 'rejected_permanent',
        code: 550,
        response: '550 5.1.1 <nobody@example.com>: Recipient address rejected',
      });
    });

    it('then a 5xx refusing the message data is a permanent rejection, even after the data went out', () => {
      const result = classifySmtpFailure(
        { responseCode: 554, command: 'DATA', response: '554 5.7.1 Message rejected' },
        'data_sent',
      );

      expect(result).toMatchObject({ kind: 'rejected_permanent', code: 554 });
    });

    it('then a 4xx after the message data (451) stays a retriable rejection, not an unknown outcome', () => {
      const result = classifySmtpFailure(
        { responseCode: 451, command: 'DATA', response: '451 4.3.0 Local error in processing' },
        'data_sent',
      );

      expect(result).toEqual({
        kind: 'rejected_temporary',
        code: 451,
        response: '451 4.3.0 Local error in processing',
      });
    });

    it.each([
      [535, 'AUTH PLAIN', '535 5.7.8 Authentication credentials invalid'],
      [534, 'AUTH LOGIN', '534 5.7.9 Application-specific password required'],
      [530, 'MAIL FROM', '530 5.7.0 Authentication required'],
    ])('then %i (%s) is a mailbox error: the account must be fixed', (code, command, response) => {
      expect(classifySmtpFailure({ responseCode: code, command, response }, 'login')).toEqual({
        kind: 'mailbox_error',
        code,
        response,
      });
    });

    it('then a 5xx refusing our sender address is a mailbox error, not a bounce of the contact', () => {
      const result = classifySmtpFailure({ code: 'EENVELOPE', responseCode: 553, command: 'MAIL FROM' }, 'envelope');

      expect(result).toMatchObject({ kind: 'mailbox_error', code: 553 });
    });

    it('then a 4xx on authentication is a passing outage (the server is there but busy)', () => {
      const result = classifySmtpFailure(
        { responseCode: 454, command: 'AUTH PLAIN', response: '454 4.7.0 Temporary authentication failure' },
        'login',
      );

      expect(result.kind).toBe('connection_error');
    });

    it('then 421 (service closing) is a connection error whatever the stage', () => {
      expect(classifySmtpFailure({ responseCode: 421, command: 'DATA' }, 'data_sent').kind).toBe('connection_error');
      expect(classifySmtpFailure({ responseCode: 421, command: 'CONN' }, 'connect').kind).toBe('connection_error');
    });

    it('then a 4xx on the recipient is a temporary rejection', () => {
      const result = classifySmtpFailure(
        { responseCode: 451, command: 'RCPT TO', response: '451 Try again later' },
        'envelope',
      );

      expect(result).toMatchObject({ kind: 'rejected_temporary', code: 451 });
    });

    it('then a lower-case command is recognised too', () => {
      expect(classifySmtpFailure({ responseCode: 550, command: 'rcpt to' }, 'envelope').kind).toBe(
        'rejected_permanent',
      );
    });
  });

  describe('when there is no reply code', () => {
    it('then a failure to connect is a connection error', () => {
      const result = classifySmtpFailure(
        { code: 'ECONNECTION', command: 'CONN', message: 'connect ECONNREFUSED' },
        'connect',
      );

      expect(result).toEqual({ kind: 'connection_error', response: 'connect ECONNREFUSED' });
    });

    it('then a connection dropped after the message data leaves the outcome unknown', () => {
      const result = classifySmtpFailure(
        { code: 'ECONNECTION', command: 'CONN', message: 'Connection closed unexpectedly' },
        'data_sent',
      );

      expect(result).toEqual({ kind: 'unknown', response: 'Connection closed unexpectedly' });
    });

    it('then a timeout after the message data leaves the outcome unknown', () => {
      expect(classifySmtpFailure({ code: 'ETIMEDOUT', command: 'CONN', message: 'Timeout' }, 'data_sent').kind).toBe(
        'unknown',
      );
    });

    it('then the same drop before the message data is a retriable connection error', () => {
      const result = classifySmtpFailure(
        { code: 'ECONNECTION', command: 'CONN', message: 'Connection closed unexpectedly' },
        'envelope',
      );

      expect(result.kind).toBe('connection_error');
    });

    it('then a timeout while connecting is a connection error', () => {
      expect(classifySmtpFailure({ code: 'ETIMEDOUT', command: 'CONN' }, 'connect').kind).toBe('connection_error');
    });

    it.each([
      ['ETLS', { code: 'ETLS', message: 'Error initiating TLS' }],
      ['CERT_HAS_EXPIRED', { code: 'ESOCKET', originalCode: 'CERT_HAS_EXPIRED', message: 'certificate has expired' }],
      ['ERR_TLS_CERT_ALTNAME_INVALID', { code: 'ESOCKET', originalCode: 'ERR_TLS_CERT_ALTNAME_INVALID' }],
      ['ERR_SSL_WRONG_VERSION_NUMBER', { code: 'ESOCKET', originalCode: 'ERR_SSL_WRONG_VERSION_NUMBER' }],
      ['DEPTH_ZERO_SELF_SIGNED_CERT', { code: 'ESOCKET', originalCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' }],
    ])('then a TLS or certificate failure (%s) is a mailbox error', (_name, failure) => {
      expect(classifySmtpFailure(failure, 'connect')).toMatchObject({ kind: 'mailbox_error', code: null });
    });

    it('then a refused login without a code is a mailbox error', () => {
      expect(classifySmtpFailure({ code: 'EAUTH', message: 'Invalid login' }, 'login').kind).toBe('mailbox_error');
    });

    it('then a host the outbound policy refuses is a mailbox error', async () => {
      const policy = new OutboundHostPolicy({ mode: 'default', allow: [] });
      const refused: unknown = await policy.vet('169.254.169.254').catch((error: unknown) => error);

      expect(classifySmtpFailure(refused, 'connect')).toMatchObject({ kind: 'mailbox_error', code: null });
    });

    it('then a non-object failure is still classified, with its text as the response', () => {
      expect(classifySmtpFailure('socket hang up', 'connect')).toEqual({
        kind: 'connection_error',
        response: 'socket hang up',
      });
    });
  });

  describe('when the reply is hostile', () => {
    it('then only its first printable line is kept, capped', () => {
      const response = `550 5.1.1 no such user\r\n\u001b[31mINJECTED\r\n${'x'.repeat(5000)}`;

      const result = classifySmtpFailure({ responseCode: 550, command: 'RCPT TO', response }, 'envelope');

      expect(result.response).toBe('550 5.1.1 no such user');
    });
  });
});
