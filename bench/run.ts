/**
 * `npm run bench [-- --quick] [-- --only name,name]`: runs every benchmark section in one process,
 * prints a table per section and writes all results as JSON to bench/results/<timestamp>.json.
 * Speed and memory are proved here, never by timed unit tests.
 *
 * A section is a file in bench/sections/ whose default export is
 * `(options: { quick: boolean }) => Promise<SectionResult>`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export type SectionResult = {
  title: string;
  rows: Array<Record<string, string | number>>;
  /** Headline figures quoted in the README's Performance section. */
  summary: Record<string, string | number>;
  notes?: string[];
};

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const tscBin = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

export type Section = (options: { quick: boolean }) => Promise<SectionResult>;

const order = [
  'throughput',
  'sequential',
  'memory',
  'api-efficiency',
  'latency',
  'scale',
  'user-sync',
  'search',
];

async function main() {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } },
  });
  const quick = values.quick ?? false;
  const only = values.only?.split(',');
  const sectionsDir = fileURLToPath(new URL('./sections/', import.meta.url));
  const available = (await fs.readdir(sectionsDir).catch(() => [] as string[]))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.replace(/\.ts$/, ''));
  const names = order.filter((name) => available.includes(name) && (!only || only.includes(name)));

  // Sections that spawn `callport` processes (throughput, memory, scale) run the compiled server, as
  // `npm start` and deployments do (bin/callport.js picks dist/server when it is current).
  execFileSync(process.execPath, [tscBin, '-p', path.join(repoRoot, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  // The stamp `npm run build:server` writes: without it bin/callport.js finds the build older than the
  // sources and runs them through tsx instead (its loader thread), which is not what is deployed.
  await fs.writeFile(path.join(repoRoot, 'dist', 'server', '.built'), new Date().toISOString());
  const machine = {
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    database: process.env.DATABASE_URL ? `PostgreSQL (${postgresVersion()})` : 'PGlite (embedded)',
    mode: quick ? 'quick' : 'full',
    callport: 'child processes: compiled server (dist/server); in-process sections: sources',
  };
  console.log('Callport benchmarks');
  console.table(machine);

  const results: Record<string, SectionResult | { error: string }> = {};
  for (const name of names) {
    console.log(`\n## ${name}`);
    const started = Date.now();
    try {
      const module = (await import(pathToFileURL(path.join(sectionsDir, `${name}.ts`)).href)) as {
        default: Section;
      };
      const result = await module.default({ quick });
      results[name] = result;
      console.log(result.title);
      console.table(result.rows);
      console.table(result.summary);
      for (const note of result.notes ?? []) console.log(`- ${note}`);
    } catch (error) {
      results[name] = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
      console.error(`section ${name} failed:`, error);
    }
    console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  for (const missing of order.filter((name) => !names.includes(name) && (!only || only.includes(name)))) {
    console.log(`\n## ${missing}: not available (no bench/sections/${missing}.ts)`);
  }
  const file = fileURLToPath(
    new URL(`./results/${new Date().toISOString().replace(/[:.]/g, '-')}.json`, import.meta.url),
  );
  await fs.writeFile(file, JSON.stringify({ machine, results }, null, 2));
  console.log(`\nResults written to ${path.relative(process.cwd(), file)}`);
  const failed = Object.values(results).some((result) => 'error' in result);
  process.exit(failed ? 1 : 0);
}

function postgresVersion(): string {
  try {
    return execFileSync('psql', [process.env.DATABASE_URL!, '-Atc', 'SHOW server_version'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    return 'version unknown';
  }
}

await main();
