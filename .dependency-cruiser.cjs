// The import rules of src/ (npm test runs `depcruise`; README "Layout" draws the same arrows):
// core ← http ← {rest, oauth, receivers/psp}; receivers ← core; testing ← core + rest; node ← core + rest;
// cli ← everything.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'No import cycle, type-only or not.', from: {}, to: { circular: true } },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'Every module is reachable: a file nothing imports is dead (entries and tests excepted).',
      from: { orphan: true, path: '^src/', pathNot: ['\\.test\\.ts$', '^src/(index|testing/index|redis/index|node/index|cli/index)\\.ts$'] },
      to: {},
    },
    { name: 'generated-is-self-contained', severity: 'error', from: { path: '^generated/' }, to: { path: '^(src|scripts|contract-tests)/' } },
    { name: 'src-ships-alone', severity: 'error', comment: 'The package never imports the pipeline or the tests.', from: { path: '^src/' }, to: { path: '^(scripts|contract-tests)/' } },
    { name: 'core-is-the-bottom', severity: 'error', comment: 'core/ imports nothing outside core/.', from: { path: '^src/core/' }, to: { path: '^(src/(?!core/)|generated/)' } },
    { name: 'http-on-core-only', severity: 'error', from: { path: '^src/http/' }, to: { path: '^src/(?!core/|http/)' } },
    { name: 'rest-on-http-and-core', severity: 'error', from: { path: '^src/rest/' }, to: { path: '^src/(?!core/|http/|rest/)' } },
    { name: 'oauth-on-http-and-core', severity: 'error', from: { path: '^src/oauth/' }, to: { path: '^src/(?!core/|http/|oauth/)' } },
    { name: 'receivers-on-core', severity: 'error', comment: 'Receivers use core only; the PSP callback client (an outbound call) also http.', from: { path: '^src/receivers/' }, to: { path: '^src/(?!core/|receivers/|http/)' } },
    { name: 'only-psp-calls-out', severity: 'error', from: { path: '^src/receivers/', pathNot: '^src/receivers/psp/' }, to: { path: '^src/http/' } },
    { name: 'redis-on-core-and-its-stores', severity: 'error', from: { path: '^src/redis/' }, to: { path: '^src/(?!core/|redis/|receivers/common/|rest/)' } },
    { name: 'testing-on-core-and-rest', severity: 'error', comment: 'The mock and the sandbox stand on core and the REST client, never on the receivers they test.', from: { path: '^src/testing/' }, to: { path: '^src/(?!core/|rest/|testing/)' } },
    { name: 'node-on-core-and-rest', severity: 'error', comment: 'The Node-only entry (the file journal) stands on core and the REST client\'s journal types.', from: { path: '^src/node/' }, to: { path: '^src/(?!core/|rest/|node/)' } },
    { name: 'nothing-imports-cli', severity: 'error', from: { path: '^src/(?!cli/)' }, to: { path: '^src/cli/' } },
    { name: 'index-imports-no-internals-of-testing', severity: 'error', comment: 'The root entry never pulls in the testing kit, the CLI, or the Node and Redis entries.', from: { path: '^src/index\\.ts$' }, to: { path: '^src/(testing|cli|redis|node)/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Unit tests beside the code may reach across layers to set a scene; the rules are about what ships.
    exclude: { path: ['^(node_modules|dist|docs)/', '\\.test\\.ts$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['es6', 'cjs'],
  },
};
