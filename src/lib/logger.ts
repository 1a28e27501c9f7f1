import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

/**
 * Paths whose values never reach a log line: credentials, tokens, cookies and signed URLs.
 * Censoring happens in pino before serialisation, so a forgotten field cannot leak through a child logger.
 */
const redactedPaths = [
  'password',
  '*.password',
  '*.newPassword',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'access_token',
  '*.access_token',
  'refreshToken',
  '*.refreshToken',
  'refresh_token',
  '*.refresh_token',
  'download_token',
  '*.download_token',
  'downloadToken',
  '*.downloadToken',
  'clientSecret',
  '*.clientSecret',
  'client_secret',
  '*.client_secret',
  'secret',
  '*.secret',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

/**
 * JSON lines by default (deployments, log collectors); `pretty`: one readable, coloured line per entry
 * for a person at a terminal (`callport start` when stdout is a TTY). Written synchronously so log
 * lines and the sandbox banner (console.log) come out in order.
 */
export function createLogger(options: {
  level: string;
  name?: string;
  destination?: pino.DestinationStream;
  pretty?: boolean;
}): Logger {
  const destination =
    options.destination ??
    (options.pretty
      ? pretty({
          sync: true,
          colorize: true,
          translateTime: 'SYS:HH:MM:ss',
          ignore: 'pid,hostname,name,reqId',
          singleLine: true,
        })
      : undefined);
  return pino(
    {
      level: options.level,
      name: options.name ?? 'callport',
      redact: { paths: redactedPaths, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.errWithCause },
    },
    destination,
  );
}

/** Strips query strings (signed URLs, legacy `access_token=`) from a URL before it is logged. */
export function redactUrl(url: string): string {
  const index = url.indexOf('?');
  return index === -1 ? url : `${url.slice(0, index)}?[redacted]`;
}

export type { Logger };
