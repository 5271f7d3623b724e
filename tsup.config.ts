import { readdirSync } from 'node:fs';
import { defineConfig } from 'tsup';

// ESM + CJS with .d.ts for both, one entry per public export path. Only the Node-only entries (testing, cli, node)
// may use Node's shims (`__dirname` in ESM): the root, `redis` and `oauth` entries run in browsers, workers, Bun
// and Deno too, so they must not import `path` or `url`.
const common = { target: 'node20' as const, sourcemap: false };
const browserEntries = { index: 'src/index.ts', 'redis/index': 'src/redis/index.ts', 'oauth/index': 'src/oauth/index.ts' };

// Users pay for what they import (.size-limit.cjs measures it): the browser-safe ESM keeps one file per source
// module (every module an entry; code splitting puts what several share in chunks), so a bundler drops each module
// its user does not import (`sideEffects: false`) instead of having to prove every statement of one big file unused.
const modules = (readdirSync('src', { recursive: true, encoding: 'utf8' }) as string[])
  .map((file) => file.replaceAll('\\', '/'))
  .filter((file) => /^(core|http|rest|receivers|oauth|redis)\//.test(file) && file.endsWith('.ts') && !file.endsWith('.test.ts'))
  .map((file) => `src/${file}`);

// Code splitting writes `import "./chunk-….mjs";` where a file needs a chunk evaluated first but none of its names;
// every chunk here is free of side effects (what `sideEffects: false` declares), so the import is dropped rather
// than have every esbuild user warned that it ignores it.
const noBareChunkImports = {
  name: 'no-bare-chunk-imports',
  renderChunk: (code: string) => ({ code: code.replace(/^import "(?:\.\/|(?:\.\.\/)+)chunk-[A-Z0-9]+\.mjs";\n/gm, '') }),
};

export default defineConfig([
  {
    ...common,
    format: ['esm'],
    entry: ['src/index.ts', ...modules],
    splitting: true,
    dts: false,
    plugins: [noBareChunkImports],
    // The one build that empties dist/ (the others write other files of it).
    clean: true,
    shims: false,
  },
  // The .d.ts of the browser-safe entries, and their CommonJS (one file per entry: require() cannot tree-shake).
  { ...common, format: ['esm'], entry: browserEntries, dts: { only: true }, clean: false, shims: false },
  { ...common, format: ['cjs'], entry: browserEntries, dts: true, clean: false, shims: false },
  {
    ...common,
    format: ['esm', 'cjs'],
    dts: true,
    entry: { 'testing/index': 'src/testing/index.ts', 'cli/index': 'src/cli/index.ts', 'node/index': 'src/node/index.ts' },
    clean: false,
    shims: true,
    // Prism is an optional peer of the testing entry only; the root entry never loads it.
    external: [/^@stoplight\//],
  },
]);
