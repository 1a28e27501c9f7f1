import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import aliases from './aliases.cjs';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: webRoot,
  plugins: [react()],
  // `@/` is src/web/src, `@contract/` the shared API types (aliases.cjs, also read by the boundaries lint).
  resolve: { alias: aliases.resolve.alias },
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // Libraries apart from the app, so that a release changes only the app's chunk in browsers' caches
    // and no chunk passes the 500 kB that Vite warns about at every `npm start`.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 2 },
            { name: 'vendor', test: /[\\/]node_modules[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
  server: {
    // Only the API is proxied: OAuth redirects go through /api/integrations/... too.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
