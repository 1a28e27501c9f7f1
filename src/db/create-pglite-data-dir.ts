/**
 * Creates an embedded database folder and exits: `node create-pglite-data-dir.js DATA_DIR`. Run as a
 * child process by `openDatabase` the first time a data folder is used (see there for why).
 */
import { PGlite } from '@electric-sql/pglite';
import { pgliteOptions } from './pglite-options.ts';

const dataDir = process.argv[2];
if (!dataDir) {
  console.error('usage: create-pglite-data-dir DATA_DIR');
  process.exit(2);
}
const client = await PGlite.create({ dataDir, ...pgliteOptions() });
await client.close();
