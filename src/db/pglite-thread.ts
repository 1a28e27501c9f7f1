/**
 * The embedded database's own thread: PGlite runs here and answers PostgreSQL's wire protocol, so the
 * server's thread spends its time on downloads and requests instead of inside PostgreSQL (see
 * `pglite-connection.ts`, which starts it and speaks to it).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import type { ThreadReply, ThreadRequest, ThreadStart } from './pglite-connection.ts';
import { pgliteOptions } from './pglite-options.ts';

const port = parentPort;
if (!port) throw new Error('pglite-thread runs as a worker thread (see pglite-connection.ts)');
const start = workerData as ThreadStart;

/** Terminate: the client is leaving. PGlite's single session outlives its connections. */
const terminate = 0x58;

/** Each connection's bytes not yet making a whole message (a write can split one), and whether its
 * startup message (the only one without a type byte) has been seen. */
const connections = new Map<number, { rest: Buffer; started: boolean }>();
let db: PGlite;

try {
  db = await PGlite.create({
    ...(start.dataDir ? { dataDir: start.dataDir } : {}),
    ...(start.loadDataDir ? { loadDataDir: new Blob([start.loadDataDir]) } : {}),
    ...pgliteOptions(),
  });
  port.postMessage({ type: 'ready' } satisfies ThreadReply);
} catch (error) {
  port.postMessage({
    type: 'failed',
    message: String((error as Error).message ?? error),
  } satisfies ThreadReply);
  process.exit(1);
}

// One request at a time, in arrival order: PGlite is one PostgreSQL session.
let queue: Promise<void> = Promise.resolve();
port.on('message', (request: ThreadRequest) => {
  queue = queue.then(() => answer(request));
});

async function answer(request: ThreadRequest): Promise<void> {
  try {
    if (request.type === 'protocol') return await runProtocol(request.connection, request.bytes);
    if (request.type === 'disconnect') {
      connections.delete(request.connection);
      return;
    }
    if (request.type === 'dump') {
      const blob = (await db.dumpDataDir('gzip')) as Blob;
      const bytes = new Uint8Array(await blob.arrayBuffer());
      port?.postMessage({ type: 'dump', id: request.id, bytes } satisfies ThreadReply, [bytes.buffer]);
      return;
    }
    await db.close();
    port?.postMessage({ type: 'closed' } satisfies ThreadReply);
  } catch (error) {
    port?.postMessage({
      type: 'error',
      ...('connection' in request ? { connection: request.connection } : {}),
      message: String((error as Error).message ?? error),
    } satisfies ThreadReply);
  }
}

async function runProtocol(connection: number, bytes: Uint8Array): Promise<void> {
  const state = connections.get(connection) ?? { rest: Buffer.alloc(0), started: false };
  connections.set(connection, state);
  const received = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let buffer = state.rest.length > 0 ? Buffer.concat([state.rest, received]) : received;
  const replies: Uint8Array[] = [];
  for (;;) {
    const length = messageLength(buffer, state.started);
    if (length === undefined || buffer.length < length) break;
    const message = buffer.subarray(0, length);
    buffer = buffer.subarray(length);
    const isStartup = !state.started;
    state.started = true;
    if (!isStartup && message[0] === terminate) continue;
    const reply = await db.execProtocolRaw(message);
    if (reply.length > 0) replies.push(reply);
  }
  state.rest = buffer.length > 0 ? Buffer.from(buffer) : Buffer.alloc(0);
  if (replies.length === 0) return;
  const out = replies.length === 1 ? (replies[0] as Uint8Array) : Buffer.concat(replies);
  const owned = out.byteOffset === 0 && out.byteLength === out.buffer.byteLength ? out : out.slice();
  port?.postMessage({ type: 'protocol', connection, bytes: owned } satisfies ThreadReply, [
    owned.buffer as ArrayBuffer,
  ]);
}

/** The whole length of the message at the buffer's start, once its header has arrived. */
function messageLength(buffer: Buffer, started: boolean): number | undefined {
  if (!started) return buffer.length >= 4 ? buffer.readInt32BE(0) : undefined;
  return buffer.length >= 5 ? 1 + buffer.readInt32BE(1) : undefined;
}
