/**
 * Recording file contents: the committed sample call (real MP4/M4A that play in a browser), text files
 * generated from a simulation (VTT transcript, chat, timeline), and synthetic files of any size whose bytes
 * are derived from a key, generated as a stream and addressable at any offset (for Range requests).
 */
import { createCipheriv, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { packageRoot } from '../lib/package-root.ts';
import type { ChatLine, TranscriptLine } from './state.ts';

export type StaticMediaName = 'sandbox-call.mp4' | 'sandbox-call.m4a';

export type FileContent =
  | { kind: 'static'; name: StaticMediaName; contentType: string }
  | { kind: 'text'; text: string; contentType: string }
  | { kind: 'synthetic'; size: number; contentType: string; key: string; container: 'mp4' | 'm4a' | 'none' };

const mediaDir = path.join(packageRoot, 'src', 'zoom-emulator', 'media');

/**
 * How long the bundled sample call plays (sandbox-call.mp4 and .m4a, `mvhd` duration; media.test.ts
 * checks it with ffprobe). A meeting recorded with these files has a cloud recording this long, whatever
 * the meeting's own length: Zoom's `duration` is the meeting's minutes, a file's times are the recording's.
 */
export const bundledMediaMs = 20_822;
const staticCache = new Map<StaticMediaName, Buffer>();

function staticBytes(name: StaticMediaName): Buffer {
  let bytes = staticCache.get(name);
  if (!bytes) {
    bytes = readFileSync(path.join(mediaDir, name));
    staticCache.set(name, bytes);
  }
  return bytes;
}

/** The spoken lines of the sample call, with their times (generated with the media by the script). */
export function sampleCallCues(): Required<TranscriptLine>[] {
  return JSON.parse(
    readFileSync(path.join(mediaDir, 'sandbox-call.json'), 'utf8'),
  ) as Required<TranscriptLine>[];
}

export function contentSize(content: FileContent): number {
  switch (content.kind) {
    case 'static':
      return staticBytes(content.name).length;
    case 'text':
      return Buffer.byteLength(content.text);
    case 'synthetic':
      return content.size;
  }
}

/** Header bytes that make a synthetic file sniff as MP4/M4A: an `ftyp` box and a 64-bit `mdat` box. */
function syntheticHeader(content: Extract<FileContent, { kind: 'synthetic' }>): Buffer {
  if (content.container === 'none' || content.size < 40) return Buffer.alloc(0);
  const header = Buffer.alloc(40);
  header.writeUInt32BE(24, 0);
  header.write('ftyp', 4, 'latin1');
  header.write(content.container === 'mp4' ? 'isom' : 'M4A ', 8, 'latin1');
  header.writeUInt32BE(0x200, 12);
  header.write('isom', 16, 'latin1');
  header.write('mp41', 20, 'latin1');
  header.writeUInt32BE(1, 24);
  header.write('mdat', 28, 'latin1');
  header.writeBigUInt64BE(BigInt(content.size - 24), 32);
  return header;
}

const syntheticChunk = 64 * 1024;

/**
 * Deterministic pseudo-random bytes: the AES-256-CTR keystream of a key derived from the file key. CTR mode
 * can start at any 16-byte block, so a range is generated without producing the bytes before it.
 */
async function* syntheticBytes(
  content: Extract<FileContent, { kind: 'synthetic' }>,
  start: number,
  endInclusive: number,
): AsyncGenerator<Buffer> {
  const key = createHash('sha256').update(`callport-emulator-synthetic:${content.key}`).digest();
  const header = syntheticHeader(content);
  const firstBlock = Math.floor(start / 16);
  const iv = Buffer.alloc(16);
  iv.writeBigUInt64BE(BigInt(firstBlock), 8);
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  let position = firstBlock * 16;
  const zeros = Buffer.alloc(syntheticChunk);
  while (position <= endInclusive) {
    const length = Math.min(syntheticChunk, endInclusive + 1 - position);
    const chunk = cipher.update(length === syntheticChunk ? zeros : zeros.subarray(0, length));
    if (position < header.length) header.copy(chunk, 0, position, Math.min(header.length, position + length));
    const skip = Math.max(0, start - position);
    yield skip > 0 ? chunk.subarray(skip) : chunk;
    position += length;
  }
}

/** A stream of the bytes [start, endInclusive] of a file, never holding a synthetic file in memory. */
export function openContentStream(
  content: FileContent,
  start = 0,
  endInclusive = contentSize(content) - 1,
): Readable {
  if (endInclusive < start) return Readable.from([]);
  switch (content.kind) {
    case 'static':
      return Readable.from([staticBytes(content.name).subarray(start, endInclusive + 1)]);
    case 'text':
      return Readable.from([Buffer.from(content.text).subarray(start, endInclusive + 1)]);
    case 'synthetic':
      return Readable.from(syntheticBytes(content, start, endInclusive), { objectMode: false });
  }
}

const checksumCache = new Map<string, Promise<string>>();

function cacheKey(content: FileContent): string {
  switch (content.kind) {
    case 'static':
      return `static:${content.name}`;
    case 'text':
      return `text:${createHash('sha256').update(content.text).digest('hex')}`;
    case 'synthetic':
      return `synthetic:${content.key}:${content.size}:${content.container}`;
  }
}

/** sha256 (hex) of a file, computed once by streaming it and then cached. */
export function contentSha256(content: FileContent): Promise<string> {
  const key = cacheKey(content);
  let pending = checksumCache.get(key);
  if (!pending) {
    pending = (async () => {
      const hash = createHash('sha256');
      for await (const chunk of openContentStream(content)) hash.update(chunk as Buffer);
      return hash.digest('hex');
    })();
    checksumCache.set(key, pending);
  }
  return pending;
}

function vttTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}

/** Zoom's transcript VTT: numbered cues, "Speaker: text" (docs/zoom-platform.md §2.3 `TRANSCRIPT`). */
export function buildTranscriptVtt(lines: TranscriptLine[]): string {
  let cursor = 0;
  const cues = lines.map((line, index) => {
    const start = line.startMs ?? cursor;
    const end = line.endMs ?? start + Math.max(2000, line.text.split(/\s+/).length * 400);
    cursor = end + 500;
    return `${index + 1}\n${vttTime(start)} --> ${vttTime(end)}\n${line.speaker}: ${line.text}\n`;
  });
  return `WEBVTT\n\n${cues.join('\n')}`;
}

/** Zoom's saved chat text: `HH:MM:SS From Name to Everyone:` then the message on a tab-indented line. */
export function buildChatText(lines: ChatLine[]): string {
  return lines
    .map((line, index) => {
      const at = new Date((line.atSecond ?? 30 * (index + 1)) * 1000).toISOString().slice(11, 19);
      return `${at} From ${line.sender} to Everyone:\r\n\t${line.text}\r\n`;
    })
    .join('');
}

/** The TIMELINE JSON (who was on screen when). */
export function buildTimelineJson(speakers: { name: string; userId?: string }[], durationMs: number): string {
  const step = speakers.length > 0 ? Math.floor(durationMs / speakers.length) : durationMs;
  return JSON.stringify({
    timeline: speakers.map((speaker, index) => ({
      ts: vttTime(index * step),
      users: [
        {
          username: speaker.name,
          multiple_people: false,
          user_id: String(16778240 + index),
          zoom_userid: speaker.userId ?? '',
        },
      ],
    })),
  });
}
