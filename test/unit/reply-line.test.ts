import { REPLY_LINE_MAX, replyLine } from '../../src/mail/reply-line';

describe('replyLine', () => {
  it.each([
    ['a plain reply', '250 2.0.0 Ok: queued as 4AbC', '250 2.0.0 Ok: queued as 4AbC'],
    ['CRLF and what follows', '535 5.7.8 Authentication failed\r\nX-Injected: yes', '535 5.7.8 Authentication failed'],
    ['a lone LF', 'first\nsecond', 'first'],
    ['a lone CR', 'first\rsecond', 'first'],
    ['Unicode line separators', 'first\u2028second\u2029third', 'first'],
    ['NUL bytes', '550\u0000 no\u0000such user', '550 no such user'],
    ['tabs and runs of spaces', '451\t\t4.7.1   try   later', '451 4.7.1 try later'],
    ['ANSI colour codes', '\u001b[31m554 rejected\u001b[0m', '554 rejected'],
    ['an ANSI cursor move and screen clear', 'ok\u001b[2J\u001b[1;1Hgone', 'okgone'],
    ['an OSC title sequence', '\u001b]0;owned\u0007421 closing', '421 closing'],
    ['C1 controls and DEL', 'bad\u009b31m\u007fthing', 'bad 31m thing'],
    ['bidirectional overrides', 'safe\u202etxt.exe', 'safe txt.exe'],
    ['leading blank lines', '\r\n\r\n  \r\n421 service not available', '421 service not available'],
    [
      'a multi-line SMTP reply (its first line)',
      '550-5.1.1 The email account that you tried to reach does not exist.\r\n550-5.1.1 Please try\r\n550 5.1.1 https://support.example/',
      '550-5.1.1 The email account that you tried to reach does not exist.',
    ],
    [
      'a reply whose first lines are bare codes',
      '554-\r\n554-5.7.1\r\n554 5.7.1 Relay denied',
      '554 5.7.1 Relay denied',
    ],
    ['only a reply code', '421', '421'],
    ['nothing printable', '\r\n\u0000\u001b[0m\t', ''],
    ['an empty string', '', ''],
  ])('when the text has %s, then one clean line is kept', (_case, text, expected) => {
    expect(replyLine(text)).toBe(expected);
  });

  it('when the text is 10,000 characters on one line, then it is cut to the cap with an ellipsis', () => {
    const line = replyLine(`550 ${'x'.repeat(10_000)}`);
    expect(Array.from(line)).toHaveLength(REPLY_LINE_MAX);
    expect(line.endsWith('…')).toBe(true);
    expect(line.startsWith('550 xxx')).toBe(true);
  });

  it('when a megabyte arrives without a line break, then only its start is looked at and the line is capped', () => {
    const line = replyLine('A'.repeat(1_000_000));
    expect(Array.from(line)).toHaveLength(REPLY_LINE_MAX);
  });

  it('when the cut falls inside a character outside the BMP, then no half surrogate pair is left', () => {
    const line = replyLine('😀'.repeat(400), 10);
    expect(Array.from(line)).toEqual([...Array<string>(9).fill('😀'), '…']);
  });

  it('when given an Error or another value, then its message or text is used', () => {
    expect(replyLine(new Error('connect ECONNREFUSED 127.0.0.1:1\nstack…'))).toBe('connect ECONNREFUSED 127.0.0.1:1');
    expect(replyLine(undefined)).toBe('');
    expect(replyLine(421)).toBe('421');
  });

  it('when no line fits the length asked for, then the result never exceeds it', () => {
    for (const max of [1, 2, 5, 80])
      expect(Array.from(replyLine('word '.repeat(100), max)).length).toBeLessThanOrEqual(max);
  });
});
