/**
 * The embedded database on a thread of its own. PGlite is PostgreSQL compiled to WebAssembly: every
 * statement runs on the thread that calls it, and on the server's thread it took a third of the time an
 * import had (docs/performance.md). Here it runs in a worker thread (`pglite-thread.ts`) that answers
 * PostgreSQL's wire protocol, and node-postgres talks to it through a stream that carries those bytes,
 * so both databases go through the same driver and the server's thread only encodes and decodes.
 */

import path from 'node:path';
import { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../lib/package-root.ts';

export type ThreadStart = { dataDir?: string; loadDataDir?: Uint8Array<ArrayBuffer> };
export type ThreadRequest =
  | { type: 'protocol'; connection: number; bytes: Uint8Array }
  | { type: 'disconnect'; connection: number }
  | { type: 'dump'; id: number }
  | { type: 'close' };
export type ThreadReply =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'protocol'; connection: number; bytes: Uint8Array }
  | { type: 'dump'; id: number; bytes: Uint8Array<ArrayBuffer> }
  | { type: 'error'; connection?: number; message: string }
  | { type: 'closed' };

export type PgliteThread = {
  /** A new node-postgres connection (the pool's `stream` option). */
  connect(): Duplex;
  dumpDataDir(): Promise<Blob>;
  close(): Promise<void>;
};

export async function startPgliteThread(start: ThreadStart): Promise<PgliteThread> {
  const here = fileURLToPath(import.meta.url);
  const script = path.join(path.dirname(here), `pglite-thread${path.extname(here)}`);
  // From the sources (tsx, vitest) the thread's script is TypeScript too, run through the same loader.
  const worker = here.endsWith('.ts')
    ? new Worker(path.join(packageRoot, 'bin', 'run-ts.js'), { argv: [script], workerData: start })
    : new Worker(script, { workerData: start });
  const streams = new Map<number, ThreadStream>();
  const dumps = new Map<number, (bytes: Uint8Array<ArrayBuffer>) => void>();
  let nextId = 1;
  let exited: Error | undefined;
  let onClosed: (() => void) | undefined;

  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => reject(error);
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`the embedded database's thread exited (${code})`)));
    worker.once('message', (reply: ThreadReply) => {
      worker.off('error', fail);
      worker.removeAllListeners('exit');
      if (reply.type === 'ready') resolve();
      else reject(new Error(reply.type === 'failed' ? reply.message : `unexpected ${reply.type}`));
    });
  });

  worker.on('message', (reply: ThreadReply) => {
    if (reply.type === 'protocol')
      streams
        .get(reply.connection)
        ?.push(Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength));
    else if (reply.type === 'dump') dumps.get(reply.id)?.(reply.bytes);
    else if (reply.type === 'closed') onClosed?.();
    else if (reply.type === 'error' && reply.connection !== undefined)
      streams.get(reply.connection)?.destroy(new Error(reply.message));
  });
  const lost = (error: Error) => {
    exited = error;
    for (const stream of streams.values()) stream.destroy(error);
  };
  worker.on('error', lost);
  worker.on('exit', (code) => lost(new Error(`the embedded database's thread exited (${code})`)));

  const send = (request: ThreadRequest, transfer?: ArrayBuffer[]) => {
    if (exited) throw exited;
    worker.postMessage(request, transfer);
  };

  return {
    connect: () => {
      const stream = new ThreadStream(nextId++, send, (id) => streams.delete(id));
      streams.set(stream.id, stream);
      return stream;
    },
    dumpDataDir: async () => {
      const id = nextId++;
      const bytes = await new Promise<Uint8Array<ArrayBuffer>>((resolve) => {
        dumps.set(id, resolve);
        send({ type: 'dump', id });
      });
      dumps.delete(id);
      return new Blob([bytes]);
    },
    close: async () => {
      if (exited) return;
      await new Promise<void>((resolve) => {
        onClosed = resolve;
        send({ type: 'close' });
      });
      await worker.terminate();
    },
  };
}

/** One node-postgres connection: what it writes goes to the thread, what the thread answers is read. */
class ThreadStream extends Duplex {
  constructor(
    readonly id: number,
    private readonly send: (request: ThreadRequest, transfer?: ArrayBuffer[]) => void,
    private readonly forget: (id: number) => void,
  ) {
    super();
  }

  // The socket methods node-postgres calls on its stream.
  connect(): this {
    process.nextTick(() => this.emit('connect'));
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    try {
      // node-postgres reuses its write buffers: the thread gets a copy it owns.
      const bytes = new Uint8Array(chunk);
      this.send({ type: 'protocol', connection: this.id, bytes }, [bytes.buffer]);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.push(null);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.forget(this.id);
    try {
      this.send({ type: 'disconnect', connection: this.id });
    } catch {
      // The thread is gone: nothing left to tell it.
    }
    callback(error);
  }
}
