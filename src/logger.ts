import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Structured JSON logs; fields that could carry secrets are redacted wherever they appear. Logs go to stdout
 * unless a `destination` is given (tests capture them to check that no secret is ever written).
 */
export function createLogger(
  level: pino.LevelWithSilent,
  bindings: Record<string, unknown> = {},
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'sequencer', ...bindings },
    redact: {
      paths: [
        '*.password',
        '*.smtp_password',
        '*.imap_password',
        '*.apiKey',
        '*.api_key',
        'req.headers.authorization',
        'req.headers["x-api-key"]',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
