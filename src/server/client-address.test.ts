import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { startTestApp, type TestApp } from '../test-support/app.ts';

// TRUST_PROXY: which proxies may name the client. Requests through inject() come from 127.0.0.1, here
// the trusted proxy; the client is whoever it names in X-Forwarded-For.

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ env: { TRUST_PROXY: '127.0.0.1' } });
});
afterAll(() => app?.stop());

describe('TRUST_PROXY', () => {
  it('is off by default, takes addresses and CIDR ranges, and refuses true or a hop count', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback,::1' }).TRUST_PROXY).toEqual([
      '10.0.0.0/8',
      'loopback',
      '::1',
    ]);
    for (const bad of ['true', '1', '10.0.0.0/33', 'proxy.example.com'])
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(ConfigError);
  });

  it('answers /metrics to this machine only, judged on the client a trusted proxy names', async () => {
    const local = await app.server!.inject({ method: 'GET', url: '/metrics' });
    expect(local.statusCode).toBe(200);
    const proxied = await app.server!.inject({
      method: 'GET',
      url: '/metrics',
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(proxied.statusCode).toBe(403);
  });

  it('limits sign-in per client behind the proxy', async () => {
    const attempt = (client: string, i: number) =>
      app.server!.inject({
        method: 'POST',
        url: '/api/session',
        payload: { email: `someone${i}@example.test`, password: 'wrong' },
        headers: { 'x-forwarded-for': client },
      });
    for (let i = 0; i < 10; i++) expect((await attempt('203.0.113.10', 0)).statusCode).toBe(401);
    expect((await attempt('203.0.113.10', 0)).statusCode).toBe(429);
    // Another client behind the same proxy is not held back by the first one's limit.
    expect((await attempt('203.0.113.11', 1)).statusCode).toBe(401);
  });
});
