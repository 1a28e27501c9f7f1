import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstalledEmulator } from '../zoom-emulator/test-helpers.ts';
import { ZoomClient } from './client.ts';
import { createLocalRateBudget, type RateBudget } from './rate-budget.ts';

let zoom: Awaited<ReturnType<typeof startInstalledEmulator>>;

beforeAll(async () => {
  zoom = await startInstalledEmulator();
});
afterAll(() => zoom?.emulator.close());

/** A client that counts the requests it sends (each one takes a slot of the rate budget). */
function countingClient(timeoutMs: number, maxRetries = 4) {
  const budget = createLocalRateBudget();
  const sent = { count: 0 };
  const rateBudget: RateBudget = {
    acquire: async (account, category) => {
      sent.count++;
      await budget.acquire(account, category);
    },
    pause: (account, category, untilMs) => budget.pause(account, category, untilMs),
  };
  const client = new ZoomClient({
    apiUrl: zoom.emulator.apiUrl,
    accountKey: 'test',
    rateBudget,
    timeoutMs,
    maxRetries,
    tokens: { getAccessToken: async () => zoom.token, renew: async () => zoom.token },
  });
  return { client, sent };
}

describe('Zoom client retries', () => {
  it('does not send a POST again when Zoom did not answer in time: one createGroup, one group', async () => {
    const { control } = zoom.emulator;
    // The client gives up after 3 s, Zoom answers after 6 s. The client's timeout must not expire
    // before the emulator (in this same process) has read the request: with 300 ms, a process starved
    // of CPU on a loaded machine ran the timer first, the request never reached Zoom, and the test
    // waited for a request Zoom never got.
    control.setFaults({ slowResponses: [{ endpoint: 'POST /v2/groups', delayMs: 6000 }] });
    const { client, sent } = countingClient(3000);
    try {
      await expect(client.createGroup('Timed out')).rejects.toMatchObject({ kind: 'transient' });
      expect(sent.count).toBe(1);
      // Zoom still handles the request it received after Callport gave up on it.
      await expect
        .poll(() => control.requestLog().filter((entry) => entry.route === '/v2/groups').length, {
          timeout: 20_000,
        })
        .toBe(1);
      expect(control.listGroups().filter((group) => group.name === 'Timed out')).toHaveLength(1);
    } finally {
      control.resetFaults();
    }
  });

  it('asks again after a network failure when the request is a read', async () => {
    const { control } = zoom.emulator;
    control.setFaults({ slowResponses: [{ endpoint: 'GET /v2/users/:userId', delayMs: 1500 }] });
    const { client, sent } = countingClient(300, 1);
    try {
      await expect(client.getMe()).rejects.toMatchObject({ kind: 'transient' });
      expect(sent.count).toBe(2);
    } finally {
      control.resetFaults();
    }
  });
});
