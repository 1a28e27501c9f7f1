import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger.ts';
import { buildServer } from './app.ts';

async function serverLogging(requestLogLevel?: 'info' | 'debug') {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const app = await buildServer({
    logger: createLogger({ level: 'info', destination }),
    cookieSecure: false,
    authenticate: async () => null,
    checkReady: async () => {},
    routes: [],
    webRoot: false,
    ...(requestLogLevel ? { requestLogLevel } : {}),
  });
  return { app, lines };
}

describe('request logging', () => {
  it('writes one line per request, without the query string', async () => {
    const { app, lines } = await serverLogging();
    await app.inject({ method: 'GET', url: '/healthz?code=oauth-code-123' });
    await app.inject({ method: 'GET', url: '/api/nothing?access_token=abc' });
    await app.close();
    expect(lines.map((line) => [line.msg, line.url, line.status])).toEqual([
      ['request', '/healthz?[redacted]', 200],
      ['route not found', '/api/nothing?[redacted]', undefined],
      ['request', '/api/nothing?[redacted]', 404],
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/oauth-code-123|abc/);
  });

  it('keeps requests out of an info log at a terminal (requestLogLevel debug)', async () => {
    const { app, lines } = await serverLogging('debug');
    await app.inject({ method: 'GET', url: '/healthz' });
    await app.inject({ method: 'GET', url: '/api/users' });
    await app.close();
    expect(lines).toEqual([]);
  });
});
