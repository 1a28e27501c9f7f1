// The web UI's import aliases, in one place: vite.config.ts resolves with them, and the boundaries lint
// (.dependency-cruiser.cjs, as a webpack-style `resolve`) follows them. src/web/tsconfig.json's `paths`
// says the same to TypeScript.
const path = require('node:path');

module.exports = {
  resolve: {
    alias: {
      '@': path.join(__dirname, 'src'),
      '@contract': path.join(__dirname, '..', 'contract'),
    },
  },
};
