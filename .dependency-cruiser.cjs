// What may import what (docs/architecture.md, "Boundaries"). `npm run lint` runs it; a violation fails
// `npm test`. src/boundaries.test.ts checks that each rule catches the import it names.
//
// A feature is any folder of src/ that is not one of the shared layers below, so a new feature folder
// gets the feature rules without editing this file.
const layers = 'contract|db|jobs|lib|server|storage|zoom|zoom-emulator|test-support|sandbox|types|web';
const feature = `^src/(?!(?:${layers})/)[^/]+/`;
const notTest = '\\.test\\.ts$';

/** A layer whose code (its tests aside) imports nothing of src/ but what `allowed` matches. */
function importsOnly(name, comment, layer, allowed) {
  return {
    name,
    comment,
    severity: 'error',
    from: { path: layer, pathNot: notTest },
    to: { path: '^src/', pathNot: allowed },
  };
}

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No runtime import cycle in src/ (type-only imports are erased and may form one).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    importsOnly(
      'zoom-imports-only-lib',
      'zoom/ is the Zoom client: it knows nothing of our database, jobs or HTTP server.',
      '^src/zoom/',
      '^src/(zoom|lib)/',
    ),
    importsOnly(
      'emulator-imports-only-wire-and-lib',
      'zoom-emulator/ behaves like Zoom: it may use Zoom wire schemas and lib/, nothing of Callport.',
      '^src/zoom-emulator/',
      '^src/(zoom-emulator/|lib/|zoom/wire\\.ts$)',
    ),
    importsOnly(
      'infrastructure-imports-no-feature',
      'db/, jobs/, storage/, lib/ and contract/ are below the features.',
      '^src/(db|jobs|storage|lib|contract)/',
      '^src/(db|jobs|storage|lib|contract)/',
    ),
    {
      name: 'feature-imports-layers-only',
      comment:
        'A feature imports zoom/, db/, jobs/, storage/, lib/, contract/ and other features; never the composition root, the emulator or test support (its tests may).',
      severity: 'error',
      from: { path: feature, pathNot: notTest },
      to: { path: '^src/(zoom-emulator/|test-support/|sandbox/|main\\.ts$|cli\\.ts$)' },
    },
    {
      name: 'feature-reads-no-environment',
      comment: 'Only the composition root loads the configuration; a feature may name its type.',
      severity: 'error',
      from: { path: feature, pathNot: notTest },
      to: { path: '^src/config\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'feature-uses-other-features-index',
      comment: "Another feature is reached through its index.ts only (its public surface), tests included.",
      severity: 'error',
      from: { path: `(${feature})` },
      to: { path: `${feature}(?!index\\.ts$)`, pathNot: '^$1' },
    },
    {
      name: 'only-http-uses-server',
      comment: "A feature's http.ts mounts its routes on the server; its use cases only see the Principal type.",
      severity: 'error',
      from: { path: feature, pathNot: [notTest, '/http\\.ts$'] },
      to: { path: '^src/server/', pathNot: '^src/server/types\\.ts$' },
    },
    {
      name: 'web-imports-only-contract',
      comment: 'The web UI talks to the server over HTTP: it shares the API contract, nothing else.',
      severity: 'error',
      from: { path: '^src/web/src/' },
      to: { path: '^src/', pathNot: '^src/(web|contract)/' },
    },
    {
      name: 'web-imports-resolve',
      comment: 'An import of the web UI this lint cannot resolve (an alias unknown here) would escape its rules.',
      severity: 'error',
      from: { path: '^src/web/src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // The web UI's aliases (@/, @contract/), which the root tsconfig.json does not know.
    webpackConfig: { fileName: 'src/web/aliases.cjs' },
  },
};
