import { defineConfig } from 'tsup';

// ESM + CJS with .d.ts for both, one entry per public export path. Two builds, because only the Node-only
// entries (testing, cli, node) may use Node's shims (`__dirname` in ESM): the root and `redis` entries run in
// browsers, workers, Bun and Deno too, so they must not import `path` or `url`.
const common = { format: ['esm', 'cjs'] as ('esm' | 'cjs')[], dts: true, target: 'node20' as const, sourcemap: false };

export default defineConfig([
  {
    ...common,
    entry: { index: 'src/index.ts', 'redis/index': 'src/redis/index.ts' },
    // The one build that empties dist/ (the other writes into other folders of it).
    clean: true,
    shims: false,
  },
  {
    ...common,
    entry: { 'testing/index': 'src/testing/index.ts', 'cli/index': 'src/cli/index.ts', 'node/index': 'src/node/index.ts' },
    clean: false,
    shims: true,
    // Prism is an optional peer of the testing entry only; the root entry never loads it.
    external: [/^@stoplight\//],
  },
]);
