import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../db/index.ts';
import { JobQueue } from '../jobs/index.ts';
import { createLogger } from '../lib/logger.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseTemplate: { kind: 'pglite'; file: string } | { kind: 'postgres'; url: string; template: string };
  }
}

/**
 * Migrates one template database before the suite (schema + pg-boss's tables), so each test file gets
 * a fresh database in milliseconds instead of migrating its own: a PGlite data-dir dump, or a
 * PostgreSQL database cloned with CREATE DATABASE … TEMPLATE when DATABASE_URL is set.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const logger = createLogger({ level: 'silent' });
  const url = process.env.DATABASE_URL;
  if (url) {
    const template = `callport_template_${process.pid}`;
    const admin = await openDatabase({ kind: 'postgres', url, poolSize: 1 });
    await admin.executeSql(`DROP DATABASE IF EXISTS ${template}`);
    await admin.executeSql(`CREATE DATABASE ${template}`);
    const templateUrl = withDatabase(url, template);
    const database = await openDatabase({ kind: 'postgres', url: templateUrl, poolSize: 2 });
    await database.migrate();
    const queue = new JobQueue({ executeSql: database.executeSql, logger });
    await queue.start();
    await queue.stop();
    await database.close();
    project.provide('databaseTemplate', { kind: 'postgres', url, template });
    process.stdout.write(`Callport tests on PostgreSQL (${new URL(url).host}), Node ${process.version}\n`);
    return async () => {
      await admin.executeSql(`DROP DATABASE IF EXISTS ${template}`).catch(() => {});
      await admin.close();
    };
  }
  const database = await openDatabase({ kind: 'pglite' });
  await database.migrate();
  const queue = new JobQueue({ executeSql: database.executeSql, logger });
  await queue.start();
  await queue.stop();
  const dump = await database.dumpDataDir?.();
  const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'callport-template-')), 'pglite.tar.gz');
  if (!dump) throw new Error('PGlite dump is unavailable');
  await fs.writeFile(file, Buffer.from(await dump.arrayBuffer()));
  await database.close();
  project.provide('databaseTemplate', { kind: 'pglite', file });
  process.stdout.write(`Callport tests on PGlite, Node ${process.version}\n`);
  return async () => {
    await fs.rm(path.dirname(file), { recursive: true, force: true });
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
