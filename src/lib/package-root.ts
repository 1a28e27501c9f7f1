import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding Callport's package.json, found from this file whether it runs from the sources
 * (`src/lib/`) or from the compiled server (`dist/server/lib/`). Assets that are not code (migrations,
 * emulator media, the built web UI) are found from here, so both layouts read the same files.
 */
export const packageRoot = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}
