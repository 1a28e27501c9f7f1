/** Deterministic pseudo-random numbers and Zoom-looking identifiers, all derived from the `--seed`. */
import { createHash } from 'node:crypto';

/** A small seeded generator (mulberry32): same seed, same sequence. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(minInclusive: number, maxInclusive: number): number {
    return minInclusive + Math.floor(this.next() * (maxInclusive - minInclusive + 1));
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }

  /** 22 characters like Zoom's user and account ids (`KDcuGIm1QgePTO8WbOqwIQ`). */
  zoomId(): string {
    return this.bytes(16).toString('base64url');
  }

  /** A meeting-instance UUID like `WEz4RT2lSyKx2MD9Z+lYfA==` (standard base64, so `/` and `+` occur). */
  meetingUuid(): string {
    return this.bytes(16).toString('base64');
  }

  /** A 10- or 11-digit meeting number. */
  meetingNumber(): number {
    return this.int(81_000_000_000, 89_999_999_999);
  }

  /** A file id in Zoom's UUID style (`a2f19f96-9294-4f51-8134-6f0eea108eb2`). */
  fileId(): string {
    const hex = this.bytes(16).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}

/** Derives an independent seed for a named stream, so adding a fault never changes generated ids. */
export function deriveSeed(seed: number, stream: string): number {
  return createHash('sha256').update(`${seed}:${stream}`).digest().readUInt32BE(0);
}
