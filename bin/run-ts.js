#!/usr/bin/env node
// Runs a TypeScript script (benchmarks, tools) through tsx's loader: `node bin/run-ts.js bench/run.ts -- args`.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const [script] = process.argv.splice(2, 1);
if (!script) {
  console.error('usage: node bin/run-ts.js SCRIPT.ts [args]');
  process.exit(2);
}
await import(pathToFileURL(path.resolve(script)).href);
