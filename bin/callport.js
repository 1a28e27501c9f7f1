#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx's loader: no separate build step for the server.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli.ts');
process.exitCode = await runCli(process.argv.slice(2));
