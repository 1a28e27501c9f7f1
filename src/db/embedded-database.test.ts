import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from './client.ts';
import { startPgliteThread } from './pglite-connection.ts';

// The embedded database on its own thread, whatever DATABASE_URL says: these are PGlite's own guarantees.
describe('embedded database', () => {
  // One database for the tests that do not restart it (a start takes seconds).
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ kind: 'pglite' });
  });
  afterAll(() => database?.close());

  it('keeps the server thread free while PostgreSQL works', async () => {
    // A statement that keeps PostgreSQL busy for a while; on the calling thread it would stop every
    // timer and request until it ended.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    const { rows } = await database.executeSql(
      'SELECT count(*)::int AS n FROM generate_series(1, 1500000) AS a, md5(a::text) AS m WHERE m > $1',
      ['8'],
    );
    const elapsedMs = performance.now() - started;
    clearInterval(timer);
    expect(rows[0]?.n).toBeGreaterThan(500_000);
    expect(elapsedMs).toBeGreaterThan(200);
    // At least a tick for every 50 ms the statement ran (a 5 ms timer: ten times that on a quiet thread).
    expect(ticks).toBeGreaterThan(elapsedMs / 50);
  });

  it('lets a statement from outside a transaction wait for its end, never run inside it', async () => {
    await database.executeSql('CREATE TABLE t (n int)');
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inside = () => {};
    const entered = new Promise<void>((resolve) => {
      inside = resolve;
    });
    const transaction = database.db.transaction(async (tx) => {
      await tx.execute('INSERT INTO t VALUES (1)');
      inside();
      await held;
      throw new Error('rolled back');
    });
    await entered;
    let outsideAnswered = false;
    const outside = database.executeSql('SELECT count(*)::int AS n FROM t').then((result) => {
      outsideAnswered = true;
      return result.rows[0]?.n;
    });
    // The transaction still runs: the outside statement has not been answered, whatever it waits for.
    await database.dumpDataDir?.();
    expect(outsideAnswered).toBe(false);
    release();
    await expect(transaction).rejects.toThrow('rolled back');
    // Run after the rollback: it never saw the uncommitted row.
    expect(await outside).toBe(0);
  });

  it('answers large statements and results whole, and goes on after a failed block', async () => {
    const text = 'é'.repeat(3_000_000);
    const { rows } = await database.executeSql('SELECT $1::text AS t, length($1) AS n', [text]);
    expect(rows[0]?.n).toBe(3_000_000);
    expect(rows[0]?.t).toBe(text);
    await expect(database.executeSql('BEGIN; SELECT 1; SELECT missing; COMMIT')).rejects.toThrow('missing');
    expect((await database.executeSql('SELECT 2 AS n')).rows).toEqual([{ n: 2 }]);
  });

  it('keeps what was written after a close and a new start on the same folder', async () => {
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'callport-embedded-'));
    try {
      const dataDir = path.join(folder, 'pglite');
      const first = await openDatabase({ kind: 'pglite', dataDir });
      await first.executeSql('CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)');
      await first.close();
      const second = await openDatabase({ kind: 'pglite', dataDir });
      try {
        expect((await second.executeSql('SELECT n FROM kept')).rows).toEqual([{ n: 7 }]);
      } finally {
        await second.close();
      }
    } finally {
      await fs.rm(folder, { recursive: true, force: true });
    }
  });

  it('reads a message that arrives in several writes, and one write holding several messages', async () => {
    const thread = await startPgliteThread({});
    const stream = thread.connect();
    try {
      const replies: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => replies.push(chunk));
      const untilReady = async (count: number) =>
        expect
          .poll(() => Buffer.concat(replies).toString('latin1').split('Z\u0000\u0000\u0000\u0005').length - 1)
          .toBeGreaterThanOrEqual(count);
      const startup = startupMessage({ user: 'postgres', database: 'template1' });
      stream.write(startup.subarray(0, 3));
      stream.write(startup.subarray(3, 20));
      stream.write(startup.subarray(20));
      await untilReady(1);
      const two = Buffer.concat([queryMessage('SELECT 40 + 2'), queryMessage("SELECT 'split'")]);
      stream.write(two.subarray(0, 7));
      stream.write(two.subarray(7));
      await untilReady(3);
      const text = Buffer.concat(replies).toString('latin1');
      expect(text).toContain('42');
      expect(text).toContain('split');
    } finally {
      stream.destroy();
      await thread.close();
    }
  });
});

function startupMessage(parameters: Record<string, string>): Buffer {
  const body = Buffer.from(`${Object.entries(parameters).flat().join('\0')}\0\0`);
  const header = Buffer.alloc(8);
  header.writeInt32BE(8 + body.length, 0);
  header.writeInt32BE(196608, 4);
  return Buffer.concat([header, body]);
}

function queryMessage(sql: string): Buffer {
  const body = Buffer.from(`${sql}\0`);
  const header = Buffer.alloc(5);
  header.write('Q', 0, 'latin1');
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}
