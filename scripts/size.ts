// Size of the hand-written runtime: src/index.ts bundled and minified by esbuild with the generated code and
// openapi-fetch left out, then gzipped. `--json` prints the figures as JSON.
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import { ROOT } from './lib/apis';

/** Leaves every import of `generated/` out of the bundle. */
const generatedExternal: Plugin = {
  name: 'generated-external',
  setup(b) {
    b.onResolve({ filter: /\/generated\// }, (args) => ({ path: args.path, external: true }));
  },
};

async function minified(entry: string, externalGenerated: boolean): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: ROOT,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    external: ['openapi-fetch'],
    plugins: externalGenerated ? [generatedExternal] : [],
  });
  return result.outputFiles[0]!.contents;
}

async function main(): Promise<void> {
  const rows = [];
  for (const [name, entry, external] of [
    ['hand-written runtime (src/, no generated code, no openapi-fetch)', 'src/index.ts', true],
    ['runtime with generated validators and tables (no openapi-fetch)', 'src/index.ts', false],
  ] as const) {
    const bytes = await minified(entry, external);
    rows.push({ name, minBytes: bytes.length, minGzBytes: gzipSync(bytes, { level: 9 }).length });
  }
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else for (const row of rows) process.stdout.write(`${row.name}: ${row.minBytes} B min, ${row.minGzBytes} B min+gz\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
