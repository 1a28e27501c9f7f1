import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';

/** What every embedded database Callport opens runs with, whichever process opens it. */
export function pgliteOptions(): Pick<PGliteOptions, 'startParams' | 'extensions'> {
  return {
    // PGlite keeps PostgreSQL's 128 MB of shared buffers inside its WASM heap, all of it resident once
    // touched; one team's calls fit in far less (measured: PGlite alone in a Node process on an existing
    // data folder, about 185 MB of RSS with 32 MB, 300 MB with 128 MB; the memory bench, 357 vs 448 MB).
    // 16 MB: about 10 MB less for the embedded server than 32, and the same import speed (docs/performance.md).
    startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'],
    // Call search strips accents (migration 0007).
    extensions: { unaccent },
  };
}
