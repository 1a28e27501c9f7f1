import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { inject } from 'vitest';
import { type Database, openDatabase } from '../db/index.ts';
import { withDatabase } from './global-setup.ts';

/**
 * A fresh, migrated database for one test file: a copy of the suite's template, on PGlite or on the
 * PostgreSQL named by DATABASE_URL. Closing it drops the PostgreSQL copy.
 */
export async function createTestDatabase(): Promise<Database & { url?: string }> {
  const template = inject('databaseTemplate');
  if (template.kind === 'pglite') {
    const dump = await fs.readFile(template.file);
    return openDatabase({ kind: 'pglite', loadDataDir: new Blob([dump]) });
  }
  const name = `callport_test_${randomBytes(6).toString('hex')}`;
  const admin = await openDatabase({ kind: 'postgres', url: template.url, poolSize: 1 });
  await admin.executeSql(`CREATE DATABASE ${name} TEMPLATE ${template.template}`);
  const url = withDatabase(template.url, name);
  const database = await openDatabase({ kind: 'postgres', url });
  return {
    ...database,
    url,
    close: async () => {
      await database.close();
      await admin.executeSql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await admin.close();
    },
  };
}
