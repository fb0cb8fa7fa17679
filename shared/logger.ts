import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * Paths that could hold a credential. Secrets are kept out of log calls in the first place; this is the
 * second guard, so a careless `log.info({ body })` still prints nothing sensitive.
 */
export const redactedPaths = [
  'anthropicApiKey',
  'gatewayToken',
  'apiKey',
  'token',
  'password',
  'authorization',
  'SecretString',
  '*.anthropicApiKey',
  '*.gatewayToken',
  '*.apiKey',
  '*.token',
  '*.password',
  '*.authorization',
  '*.SecretString',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

export function makeLogger(options: { level: string; name: string; pretty?: boolean }): Logger {
  const transport = options.pretty
    ? {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' },
      }
    : undefined;
  return pino({
    level: options.level,
    name: options.name,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    ...(transport ? { transport } : {}),
  });
}
