import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// `npm run lint` (part of `npm test`) runs `lint:boundaries` over src/. Here the same command, with the
// same rules, runs over a small tree that breaks each rule once and keeps the imports the rules allow:
// it must fail, naming exactly the forbidden imports.
const root = fileURLToPath(new URL('..', import.meta.url));
const { scripts } = JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

const tree: Record<string, string> = {
  'src/lib/errors.ts': 'export const x = 1;\n',
  'src/contract/index.ts': "import { x } from '../lib/errors.ts';\nexport const y = x;\n",
  'src/db/index.ts': "import { beta } from '../beta/index.ts';\nexport const db = beta;\n",
  'src/server/app.ts': 'export const app = 1;\n',
  'src/server/types.ts': 'export type Principal = { userId: string };\n',
  'src/test-support/app.ts': 'export const bed = 1;\n',
  'src/zoom/wire.ts': 'export const wire = 1;\n',
  'src/zoom/client.ts': "import { db } from '../db/index.ts';\nexport const client = db;\n",
  'src/zoom/index.ts': "export { wire } from './wire.ts';\nexport { x } from '../lib/errors.ts';\n",
  'src/zoom-emulator/server.ts':
    "import { wire } from '../zoom/wire.ts';\nimport { client } from '../zoom/client.ts';\nexport const s = [wire, client];\n",
  // alpha and beta are features: any folder that is not a shared layer.
  'src/alpha/index.ts': "export { run } from './run-alpha.ts';\n",
  'src/alpha/run-alpha.ts': [
    "import type { Principal } from '../server/types.ts';",
    "import { app } from '../server/app.ts';",
    "import { hidden } from '../beta/queries.ts';",
    "import { beta } from '../beta/index.ts';",
    "import { wire } from '../zoom/index.ts';",
    "import { bed } from '../test-support/app.ts';",
    'export const run = (p: Principal) => [p, app, hidden, beta, wire, bed];',
    '',
  ].join('\n'),
  'src/alpha/http.ts':
    "import { app } from '../server/app.ts';\nimport { run } from './run-alpha.ts';\nexport const h = [app, run];\n",
  'src/alpha/alpha.test.ts': "import { bed } from '../test-support/app.ts';\nexport const t = bed;\n",
  'src/beta/index.ts': "export { beta } from './one.ts';\n",
  'src/beta/queries.ts': 'export const hidden = 1;\n',
  'src/beta/one.ts':
    "import { two } from './two.ts';\nexport const beta = 1;\nexport const one = () => two;\n",
  'src/beta/two.ts': "import { one } from './one.ts';\nexport const two = () => one;\n",
  'src/beta/typed-a.ts': "import type { B } from './typed-b.ts';\nexport type A = { b?: B };\n",
  'src/beta/typed-b.ts': "import type { A } from './typed-a.ts';\nexport type B = { a?: A };\n",
  'src/web/src/page.tsx':
    "import { y } from '../../contract/index.ts';\nimport { app } from '../../server/app.ts';\nexport const page = [y, app];\n",
  // The web UI's aliases resolve (src/web/aliases.cjs); one that does not is an error, not a blind spot.
  'src/web/src/alias.tsx':
    "import { page } from '@/page.tsx';\nimport { y } from '@contract/index.ts';\nimport { gone } from '@/gone.ts';\nexport const a = [page, y, gone];\n",
};

describe('import boundaries (lint:boundaries)', () => {
  it('fails on each forbidden import and accepts the allowed ones', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'callport-boundaries-'));
    try {
      for (const [file, text] of Object.entries(tree)) {
        await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
        await fs.writeFile(path.join(dir, file), text);
      }
      await fs.copyFile(
        path.join(root, '.dependency-cruiser.cjs'),
        path.join(dir, '.dependency-cruiser.cjs'),
      );
      await fs.copyFile(path.join(root, 'src/web/aliases.cjs'), path.join(dir, 'src/web/aliases.cjs'));
      await fs.writeFile(
        path.join(dir, 'tsconfig.json'),
        JSON.stringify({ compilerOptions: { module: 'NodeNext', allowImportingTsExtensions: true } }),
      );
      const command = scripts['lint:boundaries'];
      expect(command).toMatch(/^depcruise /);
      const result = await promisify(execFile)('sh', ['-c', command ?? ''], {
        cwd: dir,
        env: { ...process.env, PATH: `${path.join(root, 'node_modules/.bin')}:${process.env.PATH}` },
      }).then(
        () => ({ code: 0, output: '' }),
        (error: { code: number; stdout: string; stderr: string }) => ({
          code: error.code,
          output: error.stdout + error.stderr,
        }),
      );
      expect(result.code).not.toBe(0);
      // A cycle is printed over several lines: one line per violation, then the first two modules.
      const lines = result.output.replace(/ →\s*\n\s*/g, ' → ');
      const found = [...lines.matchAll(/error ([\w-]+): (\S+) → (\S+)/g)].map(
        ([, rule, from, to]) => `${rule}: ${from} → ${to}`,
      );
      expect(found.sort()).toEqual(
        [
          'infrastructure-imports-no-feature: src/db/index.ts → src/beta/index.ts',
          'zoom-imports-only-lib: src/zoom/client.ts → src/db/index.ts',
          'emulator-imports-only-wire-and-lib: src/zoom-emulator/server.ts → src/zoom/client.ts',
          'feature-uses-other-features-index: src/alpha/run-alpha.ts → src/beta/queries.ts',
          'feature-imports-layers-only: src/alpha/run-alpha.ts → src/test-support/app.ts',
          'only-http-uses-server: src/alpha/run-alpha.ts → src/server/app.ts',
          'no-circular: src/beta/one.ts → src/beta/two.ts',
          'web-imports-only-contract: src/web/src/page.tsx → src/server/app.ts',
          'web-imports-resolve: src/web/src/alias.tsx → @/gone.ts',
        ].sort(),
      );
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
