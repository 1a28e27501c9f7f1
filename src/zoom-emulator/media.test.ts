import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildTranscriptVtt,
  bundledMediaMs,
  contentSha256,
  contentSize,
  type FileContent,
  openContentStream,
  sampleCallCues,
} from './media.ts';

async function collect(content: FileContent, start?: number, end?: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of openContentStream(content, start, end)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function hasFfprobe(): boolean {
  try {
    execFileSync('ffprobe', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('Emulator media', () => {
  const mediaDir = new URL('./media/', import.meta.url);

  it('ships a small playable MP4 (H.264 + AAC) and M4A (AAC)', () => {
    for (const name of ['sandbox-call.mp4', 'sandbox-call.m4a']) {
      expect(statSync(new URL(name, mediaDir)).size).toBeLessThan(1024 * 1024);
    }
    if (!hasFfprobe()) return;
    const probe = (name: string) =>
      execFileSync(
        'ffprobe',
        [
          '-v',
          'error',
          '-show_entries',
          'stream=codec_name:format=duration',
          '-of',
          'json',
          new URL(name, mediaDir).pathname,
        ],
        { encoding: 'utf8' },
      );
    const video = JSON.parse(probe('sandbox-call.mp4')) as {
      streams: { codec_name: string }[];
      format: { duration: string };
    };
    expect(video.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(Number(video.format.duration)).toBeGreaterThan(10);
    expect(Math.abs(Number(video.format.duration) * 1000 - bundledMediaMs)).toBeLessThan(50);
    const audio = JSON.parse(probe('sandbox-call.m4a')) as { streams: { codec_name: string }[] };
    expect(audio.streams.map((s) => s.codec_name)).toEqual(['aac']);
  });

  it('has a VTT whose cues are the spoken lines, within the media’s length', () => {
    const cues = sampleCallCues();
    expect(cues.length).toBeGreaterThanOrEqual(3);
    const vtt = readFileSync(new URL('sandbox-call.vtt', mediaDir), 'utf8');
    expect(buildTranscriptVtt(cues)).toBe(vtt);
    for (const cue of cues) {
      expect(vtt).toContain(`${cue.speaker}: ${cue.text}`);
      expect(cue.endMs).toBeGreaterThan(cue.startMs);
      expect(cue.endMs).toBeLessThan(21_000);
    }
  });

  it('generates synthetic bytes deterministically, addressable at any offset', async () => {
    const content: FileContent = {
      kind: 'synthetic',
      size: 300_001,
      contentType: 'video/mp4',
      key: 'k1',
      container: 'mp4',
    };
    const whole = await collect(content);
    expect(whole.length).toBe(300_001);
    expect(whole.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect((await collect(content, 12_345, 99_999)).equals(whole.subarray(12_345, 100_000))).toBe(true);
    expect((await collect(content, 7, 7)).equals(whole.subarray(7, 8))).toBe(true);
    expect(await contentSha256(content)).toBe(createHash('sha256').update(whole).digest('hex'));
    const other = await collect({ ...content, key: 'k2' });
    expect(other.subarray(64, 128).equals(whole.subarray(64, 128))).toBe(false);
    expect(contentSize(content)).toBe(300_001);
  });

  it('numbers VTT cues and times lines without explicit times', () => {
    const vtt = buildTranscriptVtt([
      { speaker: 'Ana', text: 'Hello there' },
      { speaker: 'Ben', text: 'Hi' },
    ]);
    expect(vtt.startsWith('WEBVTT\n\n1\n00:00:00.000 --> ')).toBe(true);
    expect(vtt).toContain('\n2\n');
    expect(vtt).toContain('Ben: Hi');
  });
});
