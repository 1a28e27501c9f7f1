/**
 * A network profile: what reaching Zoom over the internet costs, which loopback hides. Per-request
 * latency on the REST API and on downloads, and a bandwidth limit per download stream (Zoom's file
 * servers serve one stream at a few Mbit/s, far below what the client's link allows). Off by default;
 * `zoom` is the profile of docs/emulator.md#network-profile, where its numbers and their sources are.
 */
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

export type NetworkProfile = {
  /** Added to every REST answer (`/v2/*`), in ms. */
  apiLatencyMs: number;
  /** Added before a download answers: the `/rec/download` redirect and the signed URL's first byte. */
  downloadLatencyMs: number;
  /** Bytes per second of one download stream's body; 0 = unlimited. */
  downloadBytesPerSecond: number;
};

export const networkProfiles = {
  off: { apiLatencyMs: 0, downloadLatencyMs: 0, downloadBytesPerSecond: 0 },
  zoom: { apiLatencyMs: 300, downloadLatencyMs: 400, downloadBytesPerSecond: 500_000 },
} as const satisfies Record<string, NetworkProfile>;

export type NetworkProfileName = keyof typeof networkProfiles;

/** A profile by name, or some numbers over the `off` profile. */
export type NetworkProfileInput = NetworkProfileName | Partial<NetworkProfile>;

export function isNetworkProfileName(name: string): name is NetworkProfileName {
  return Object.hasOwn(networkProfiles, name);
}

export function resolveNetworkProfile(input: NetworkProfileInput): NetworkProfile {
  if (typeof input === 'string') {
    if (!isNetworkProfileName(input))
      throw new RangeError(`unknown network profile "${input}" (${Object.keys(networkProfiles).join(', ')})`);
    return { ...networkProfiles[input] };
  }
  const profile = { ...networkProfiles.off, ...input };
  for (const [key, value] of Object.entries(profile))
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`${key} must be a number ≥ 0`);
  return profile;
}

/**
 * When one stream may send its next bytes at `bytesPerSecond`: bytes sent at time t hold the stream
 * for `bytes / rate` after t. A consumer slower than the rate waits no more than it already has, and a
 * stream that was held up (backpressure) does not burst to catch up.
 */
export class StreamPacer {
  #nextMs: number;
  constructor(
    readonly bytesPerSecond: number,
    startMs: number,
  ) {
    this.#nextMs = startMs;
  }

  /** Milliseconds to wait, at `nowMs`, before sending `bytes` more. */
  delayBefore(bytes: number, nowMs: number): number {
    const sendAt = Math.max(this.#nextMs, nowMs);
    this.#nextMs = sendAt + (bytes / this.bytesPerSecond) * 1000;
    return sendAt - nowMs;
  }
}

export type PacingClock = { now(): number; sleep(ms: number): Promise<unknown> };
const realClock: PacingClock = { now: () => performance.now(), sleep: (ms) => sleep(ms) };

/**
 * The body of one download at `bytesPerSecond`: chunks are cut to at most a twentieth of a second's
 * worth (so the pace is even, not one 64 KiB burst then a pause) and each waits for its turn.
 */
export async function* paceStream(
  source: AsyncIterable<Buffer | Uint8Array>,
  bytesPerSecond: number,
  clock: PacingClock = realClock,
): AsyncGenerator<Buffer> {
  const slice = Math.max(1024, Math.floor(bytesPerSecond / 20));
  const pacer = new StreamPacer(bytesPerSecond, clock.now());
  for await (const chunk of source) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    for (let offset = 0; offset < buffer.length; offset += slice) {
      const part = buffer.subarray(offset, offset + slice);
      const delay = pacer.delayBefore(part.length, clock.now());
      if (delay > 0) await clock.sleep(delay);
      yield part;
    }
  }
}

/** The emulator's current profile (switchable while it runs, like the faults). */
export class NetworkController {
  #profile: NetworkProfile;
  /**
   * @param clock where the profile's waits go: real time by default; a test's fake clock records them
   *   instead, to check what the emulator decided without timing anything.
   */
  constructor(
    initial: NetworkProfileInput = 'off',
    readonly clock: PacingClock = realClock,
  ) {
    this.#profile = resolveNetworkProfile(initial);
  }

  /** Waits the profile's latency of this kind of answer. */
  async delay(kind: 'api' | 'download'): Promise<void> {
    const ms = kind === 'api' ? this.#profile.apiLatencyMs : this.#profile.downloadLatencyMs;
    if (ms > 0) await this.clock.sleep(ms);
  }

  /** A download body at the profile's per-stream bandwidth (the same stream when unlimited). */
  pace(source: Readable): Readable {
    const rate = this.#profile.downloadBytesPerSecond;
    return rate > 0 ? Readable.from(paceStream(source, rate, this.clock), { objectMode: false }) : source;
  }

  get(): NetworkProfile {
    return { ...this.#profile };
  }
  set(input: NetworkProfileInput): NetworkProfile {
    this.#profile = resolveNetworkProfile(input);
    return this.get();
  }
}
