import { defineConfig } from 'tsup';

// ESM + CJS with .d.ts for both, one entry per public export path.
export default defineConfig({
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts', 'redis/index': 'src/redis/index.ts', 'cli/index': 'src/cli/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  shims: true,
  target: 'node20',
  sourcemap: false,
  // Prism is an optional peer of the testing entry only; the root entry never loads it.
  external: [/^@stoplight\//],
});
