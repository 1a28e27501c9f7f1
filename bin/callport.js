#!/usr/bin/env -S node --max-semi-space-size=8
// Runs the compiled server (dist/server, made by `npm run build`) when it is there and no source file
// is newer than the build (`dist/server/.built`, written after each successful compile: an incremental
// compile rewrites only the files that changed); otherwise the TypeScript sources through tsx's loader, so an edit is never run
// stale. The compiled server starts faster and uses about 70 MB less memory (no loader thread).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';

// The embedded database (PGlite) is 9 MB of WebAssembly. By default V8 compiles it twice, a quick
// baseline first and optimised code later, and keeps both: optimised code alone keeps 20-40 MB less
// resident and used less CPU in the benches (docs/performance.md), for about 2 s more each time a
// process opens the database. Only WebAssembly compiled after this line is affected, and nothing is
// compiled before it. Tests that open PGlite in their own process keep V8's default.
// The flags are logged at start ("callport starting"), so a measurement can say what it ran with.
//
// Launched with `--max-semi-space-size=8` (the first line, `npm start`, deploy/): V8's young generation
// stops at 2 × 8 MB instead of 2 × 16 MB. It is sized when Node starts, so it cannot be set here. The
// embedded server idles and peaks 15-25 MB lower, for no measurable CPU in the PGlite throughput bench
// (not compared on PostgreSQL; docs/performance.md); the log
// line shows it as `nodeFlags`.
//
// Embedded (no DATABASE_URL), V8 also collects the old generation once it has grown by half since the
// last full collection, instead of letting it grow up to several times its live size: the garbage a long
// import leaves there kept the embedded server's peak 20-25 MB above its idle memory (docs/performance.md).
const v8Flags = ['--no-liftoff', ...(process.env.DATABASE_URL ? [] : ['--heap-growing-percent=50'])];
for (const flag of v8Flags) v8.setFlagsFromString(flag);

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const compiled = path.join(root, 'dist', 'server', 'cli.js');
const builtStamp = path.join(root, 'dist', 'server', '.built');

function compiledIsCurrent() {
  const built = fs.statSync(builtStamp, { throwIfNoEntry: false });
  if (!built || !fs.existsSync(compiled)) return false;
  const src = path.join(root, 'src');
  for (const entry of fs.readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
    const dir = entry.parentPath ?? entry.path;
    if (dir.startsWith(path.join(src, 'web'))) continue;
    if (fs.statSync(path.join(dir, entry.name)).mtimeMs > built.mtimeMs) return false;
  }
  return true;
}

let runCli;
let runtime = 'compiled';
if (process.env.CALLPORT_FROM_SOURCE !== '1' && compiledIsCurrent()) {
  // Stack traces name the compiled files (dist/server/*.js, laid out as src/); `node --enable-source-maps`
  // maps them to the TypeScript lines. Off by default: Node keeps every module's map in memory (about
  // 10 MB of the process).
  ({ runCli } = await import(pathToFileURL(compiled).href));
} else {
  runtime = 'sources';
  const { register } = await import('tsx/esm/api');
  register();
  ({ runCli } = await import('../src/cli.ts'));
}
process.exitCode = await runCli(process.argv.slice(2), { runtime, v8Flags });
