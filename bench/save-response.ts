import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Saves a fetch response's body to `file`, telling `onBytes` of each chunk as it passes. Piping
 * Readable.fromWeb straight into the file stream sometimes came up short on Node 20 (checked against
 * the files' sizes); through a generator it never did.
 */
export async function saveResponseBody(
  body: ReadableStream<Uint8Array>,
  file: string,
  onBytes: (count: number) => void,
): Promise<void> {
  await pipeline(
    Readable.fromWeb(body as never),
    async function* (source) {
      for await (const chunk of source) {
        onBytes((chunk as Buffer).length);
        yield chunk;
      }
    },
    createWriteStream(file),
  );
}
