import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runEmulatorCli } from './cli.ts';
import type { ZoomEmulator } from './index.ts';
import {
  networkProfiles,
  type PacingClock,
  paceStream,
  resolveNetworkProfile,
  StreamPacer,
} from './network.ts';
import { api, type Json, startInstalledEmulator } from './test-helpers.ts';

// The network profile's decisions (how long each answer waits, when each slice of a download may
// leave) are checked on a fake clock that records them: nothing here is timed. The speed it gives is
// measured by the bench (`npm run bench -- --only sequential`).

/** A clock whose time moves only by the waits asked of it, which it records. */
function recordingClock(): PacingClock & { waits: number[]; time: number } {
  const clock = {
    waits: [] as number[],
    time: 0,
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.waits.push(ms);
      clock.time += ms;
    },
  };
  return clock;
}

describe('StreamPacer', () => {
  it('holds the stream for bytes / rate after each send, without catching up after a stall', () => {
    const pacer = new StreamPacer(1_000_000, 0);
    expect(pacer.delayBefore(100_000, 0)).toBe(0);
    expect(pacer.delayBefore(100_000, 0)).toBe(100);
    // The consumer came back at 50 ms: the third 100 kB leave at 200 ms.
    expect(pacer.delayBefore(100_000, 50)).toBe(150);
    // Held up until 1 s (backpressure): no burst of the budget missed meanwhile.
    expect(pacer.delayBefore(100_000, 1000)).toBe(0);
    expect(pacer.delayBefore(100_000, 1000)).toBe(100);
  });
});

describe('paceStream', () => {
  it('cuts a body into twentieths of a second and spaces them at the rate, bytes unchanged', async () => {
    const body = Buffer.alloc(1_000_000, 7);
    for (let i = 0; i < body.length; i += 997) body[i] = i % 251;
    const chunks = Array.from({ length: Math.ceil(body.length / 65_536) }, (_, i) =>
      body.subarray(i * 65_536, (i + 1) * 65_536),
    );
    const clock = recordingClock();
    const out: Buffer[] = [];
    for await (const part of paceStream(Readable.from(chunks), 500_000, clock)) out.push(part);
    expect(Buffer.concat(out).equals(body)).toBe(true);
    expect(Math.max(...out.map((part) => part.length))).toBe(25_000);
    // Every byte but the last slice's waited its turn: (1,000,000 - last slice) / 500,000 B/s.
    const last = out.at(-1)!.length;
    expect(clock.time).toBeCloseTo(((body.length - last) / 500_000) * 1000, 6);
    expect(clock.waits.every((ms) => ms <= 50 + 1e-9)).toBe(true);
  });
});

describe('resolveNetworkProfile', () => {
  it('names the profiles, fills numbers over off, and refuses negative ones', () => {
    expect(resolveNetworkProfile('zoom')).toEqual(networkProfiles.zoom);
    expect(resolveNetworkProfile({ apiLatencyMs: 50 })).toEqual({ ...networkProfiles.off, apiLatencyMs: 50 });
    expect(() => resolveNetworkProfile({ downloadBytesPerSecond: -1 })).toThrow(RangeError);
    expect(() => resolveNetworkProfile('fast' as never)).toThrow(/unknown network profile/);
  });
});

describe('the emulator with the zoom profile', () => {
  let emulator: ZoomEmulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('delays REST answers and downloads, and paces each download stream at the profile rate', async () => {
    const clock = recordingClock();
    const started = await startInstalledEmulator({ network: 'zoom', networkClock: clock });
    emulator = started.emulator;
    const { token } = started;
    const { apiLatencyMs, downloadLatencyMs, downloadBytesPerSecond } = networkProfiles.zoom;

    const list = await api(
      emulator,
      token,
      '/users/emma.dubois@acme.example/recordings?from=2026-02-10&to=2026-03-10',
    );
    expect(list.status).toBe(200);
    expect(clock.waits).toEqual([apiLatencyMs]);

    const mp4 = (list.body.meetings as Json[])
      .flatMap((meeting) => meeting.recording_files as Json[])
      .find((file) => file.file_type === 'MP4');
    clock.waits.length = 0;
    const redirect = await fetch(mp4.download_url, {
      headers: { authorization: `Bearer ${token}` },
      redirect: 'manual',
    });
    expect(redirect.status).toBe(302);
    expect(clock.waits).toEqual([downloadLatencyMs]);

    clock.waits.length = 0;
    const file = await fetch(redirect.headers.get('location') as string);
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.length).toBe(mp4.file_size);
    const recording = await emulator.control.getRecording(
      (list.body.meetings as Json[]).find((meeting) =>
        (meeting.recording_files as Json[]).some((f) => f.id === mp4.id),
      ).uuid,
    );
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(
      recording?.files.find((f) => f.id === mp4.id)?.sha256,
    );
    // First byte late, then the body at the stream's rate: every slice but the last waited.
    const [firstByte, ...pacing] = clock.waits;
    expect(firstByte).toBe(downloadLatencyMs);
    // All of it but the last slice (at most a twentieth of a second's worth) waited its turn.
    const paced = pacing.reduce((sum, ms) => sum + ms, 0);
    const fullMs = (mp4.file_size / downloadBytesPerSecond) * 1000;
    expect(paced).toBeGreaterThanOrEqual(fullMs - 50 - 1e-6);
    expect(paced).toBeLessThanOrEqual(fullMs + 1e-6);
    expect(Math.max(...pacing)).toBeLessThanOrEqual(50 + 1e-6);

    // Off again (the control API): no waits at all.
    emulator.control.setNetwork('off');
    clock.waits.length = 0;
    expect((await api(emulator, token, '/users/me')).status).toBe(200);
    const again = await fetch(redirect.headers.get('location') as string);
    expect(Buffer.from(await again.arrayBuffer()).length).toBe(mp4.file_size);
    expect(clock.waits).toEqual([]);
  });

  it('is switched by the admin API and the CLI, and is off by default', async () => {
    emulator = (await startInstalledEmulator()).emulator;
    const url = emulator.url;
    expect(emulator.control.getNetwork()).toEqual(networkProfiles.off);
    const put = await fetch(`${url}/_emulator/network`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ profile: 'zoom' }),
    });
    expect(await put.json()).toEqual(networkProfiles.zoom);
    const state = (await (await fetch(`${url}/_emulator/state`)).json()) as Json;
    expect(state.network).toEqual(networkProfiles.zoom);
    const bad = await fetch(`${url}/_emulator/network`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiLatencyMs: -5 }),
    });
    expect(bad.status).toBe(400);
    expect(await runEmulatorCli(['network', 'off', '--url', url])).toBe(0);
    expect(emulator.control.getNetwork()).toEqual(networkProfiles.off);
    expect(await runEmulatorCli(['network', '{"downloadBytesPerSecond":1000000}', '--url', url])).toBe(0);
    expect(emulator.control.getNetwork()).toEqual({
      ...networkProfiles.off,
      downloadBytesPerSecond: 1_000_000,
    });
    expect((await fetch(`${url}/_emulator/network`, { method: 'DELETE' })).status).toBe(200);
    expect(emulator.control.getNetwork()).toEqual(networkProfiles.off);
    // `callport emulator --network` names a profile; an unknown one is refused before starting.
    expect(await runEmulatorCli(['--network', 'fast'])).toBe(2);
  });
});
