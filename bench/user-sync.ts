/**
 * `node bin/run-ts.js bench/user-sync.ts [--quick]`: issue 6's benchmark on its own — sync 10,000 Zoom
 * users from the emulator and auto-associate them against 2,000 Callport users, printing time and
 * peak memory. The measurement lives in bench/sections/user-sync.ts, which `bench/run.ts` also runs.
 */
import { fileURLToPath } from 'node:url';
import type { SectionResult } from './run.ts';
import userSyncSection from './sections/user-sync.ts';

async function benchUserSync(options: { quick?: boolean } = {}): Promise<SectionResult> {
  return userSyncSection({ quick: options.quick ?? false });
}

// Run directly (`node bin/run-ts.js bench/user-sync.ts`, where run-ts.js is the entry) but not when imported.
const entry = process.argv[1] ?? '';
const isMain =
  entry === fileURLToPath(import.meta.url) ||
  (entry.endsWith('run-ts.js') && process.env.BENCH_RUNNER !== '1');
if (isMain) {
  const result = await benchUserSync({ quick: process.argv.includes('--quick') });
  console.log(result.title);
  console.table(result.rows);
  console.log(JSON.stringify(result.summary));
  process.exit(0);
}
