import { Readable } from 'node:stream';
import {
  ALL_FORMATS,
  BufferSource,
  BufferTarget,
  Conversion,
  CustomSource,
  Input,
  Mp4OutputFormat,
  Output,
  UnsupportedInputFormatError,
} from 'mediabunny';
import type { BlobStore } from '../storage/index.ts';

export type HighlightClip = { storageKey: string; size: number; hasVideo: boolean };

type ClipSource = {
  organizationId: string;
  recordingId: string;
  file: { id: string; storageKey: string | null; storedSize: number | null };
  highlight: { id: string; startMs: number; endMs: number };
};

const cutting = new Map<string, Promise<HighlightClip | null>>();

/**
 * The highlight's own clip of a stored MP4/M4A, cut once and kept beside the call's files (so erasing
 * the recording erases it too): what a public highlight link streams instead of the whole call.
 *
 * The cut copies the encoded samples (no re-encoding, so no ffmpeg) and never goes outside the range
 * (mediabunny's `boundaryPolicy: 'shrink'`): audio covers the highlight, video starts at its first key
 * frame inside it, and a highlight with no key frame inside has no video. Null when the file cannot be
 * cut (not a container mediabunny reads, no sample tables, as in the emulator's synthetic files, or
 * nothing inside the range).
 */
export function findOrCutHighlightClip(store: BlobStore, source: ClipSource): Promise<HighlightClip | null> {
  const { file, highlight } = source;
  if (!file.storageKey || file.storedSize === null) return Promise.resolve(null);
  const storageKey = `${source.organizationId}/${source.recordingId}/highlights/${highlight.id}-${highlight.startMs}-${highlight.endMs}-${file.id}.mp4`;
  let pending = cutting.get(storageKey);
  if (!pending) {
    // One cut per clip at a time: two visitors opening the link together share it.
    pending = (async () => {
      const stored = await store.stat(storageKey);
      if (stored) return { storageKey, size: stored.size, hasVideo: await hasVideoTrack(store, storageKey) };
      const clip = await cutClip(store, file.storageKey!, file.storedSize!, highlight);
      if (!clip) return null;
      const { size } = await store.put(storageKey, Readable.from([clip.bytes]), { contentType: 'video/mp4' });
      return { storageKey, size, hasVideo: clip.hasVideo };
    })().finally(() => cutting.delete(storageKey));
    cutting.set(storageKey, pending);
  }
  return pending;
}

async function cutClip(
  store: BlobStore,
  key: string,
  size: number,
  range: { startMs: number; endMs: number },
): Promise<{ bytes: Buffer; hasVideo: boolean } | null> {
  // Read from storage by ranges: only the index and the highlight's samples, never the whole call.
  const input = new Input({
    formats: ALL_FORMATS,
    source: new CustomSource({
      getSize: () => size,
      read: async (start, end) => readAll(await store.get(key, { start, end: end - 1 })),
      prefetchProfile: 'fileSystem',
    }),
  });
  try {
    const output = new Output({
      format: new Mp4OutputFormat({ fastStart: 'in-memory' }),
      target: new BufferTarget(),
    });
    const conversion = await Conversion.init({
      input,
      output,
      trim: { start: range.startMs / 1000, end: range.endMs / 1000 },
      // Copy only (nothing to encode with on a server), shifted to start at 0, nothing outside the range.
      copy: { mode: 'forced', boundaryPolicy: 'shrink', shiftTolerance: Number.POSITIVE_INFINITY },
      showWarnings: false,
    });
    if (!conversion.isValid) return null;
    await conversion.execute();
    const bytes = Buffer.from(output.target.buffer!);
    const tracks = await new Input({ formats: ALL_FORMATS, source: new BufferSource(bytes) }).getTracks();
    if (tracks.length === 0) return null;
    return { bytes, hasVideo: tracks.some((track) => track.type === 'video') };
  } catch (error) {
    // Not a container mediabunny reads: no clip, so no media. Anything else (storage) is a real failure.
    if (error instanceof UnsupportedInputFormatError) return null;
    throw error;
  } finally {
    input.dispose();
  }
}

async function hasVideoTrack(store: BlobStore, key: string): Promise<boolean> {
  const input = new Input({
    formats: ALL_FORMATS,
    source: new BufferSource(await readAll(await store.get(key))),
  });
  try {
    return (await input.getPrimaryVideoTrack()) !== null;
  } finally {
    input.dispose();
  }
}

async function readAll(stream: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
