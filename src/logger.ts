import pino from 'pino';

export type Logger = pino.Logger;

/** Structured JSON logs; fields that could carry secrets are redacted wherever they appear. */
export function createLogger(level: pino.LevelWithSilent, bindings: Record<string, unknown> = {}): Logger {
  return pino({
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
  });
}
