// Size of the runtime: src/index.ts bundled and minified by esbuild, openapi-fetch left out, with and without
// the generated code (the hand-written part is what we keep small), then gzipped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import { ROOT } from './apis';

/** Leaves every import of `generated/` out of the bundle. */
const generatedExternal: Plugin = {
  name: 'generated-external',
  setup(b) {
    b.onResolve({ filter: /\/generated\// }, (args) => ({ path: args.path, external: true }));
  },
};

/** `entry` is re-export source, e.g. `export { createCrmClient } from './src/index'`, so tree-shaking shows what one import costs. */
async function minified(entry: string, externalGenerated: boolean): Promise<Uint8Array> {
  const result = await build({
    stdin: { contents: entry, resolveDir: ROOT, loader: 'ts' },
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

/** src/index.ts's exports, less the Client OAuth ones, as re-export source. */
function wholeWithoutOAuth(): string {
  const index = readFileSync(join(ROOT, 'src', 'index.ts'), 'utf8');
  return index
    .split('\n')
    .filter((line) => !line.includes('./oauth/'))
    .join('\n')
    .replaceAll("from './", "from './src/");
}

export interface SizeRow {
  name: string;
  minBytes: number;
  minGzBytes: number;
}

export async function runtimeSizes(): Promise<SizeRow[]> {
  const rows: SizeRow[] = [];
  for (const [name, entry, external] of [
    ['hand-written REST client (createCrmClient, no generated code, no openapi-fetch)', "export { createCrmClient } from './src/index'", true],
    ['hand-written REST client with errors, paginate, unwrap, signing helpers', "export { createCrmClient, paginate, unwrap, signPayload, verifySignature, CrmError, CrmApiError, CrmAmbiguousOutcomeError, CrmConnectionError, CrmTimeoutError, CrmValidationError } from './src/index'", true],
    ['hand-written package (every export, incl. tenant-side handlers)', "export * from './src/index'", true],
    ['whole package with generated validators and tables (no openapi-fetch)', "export * from './src/index'", false],
    // The same without the Client OAuth helpers (their own API, schemas and table): what the package weighs
    // for a team that never signs clients in, were they a separate entry.
    ['whole package without the Client OAuth helpers', wholeWithoutOAuth(), false],
    // What a worker that imports one receiver helper pays (generated code included, as a bundler would).
    ['only verifyWebhook', "export { verifyWebhook } from './src/index'", false],
    ['only pspSign', "export { pspSign } from './src/index'", false],
    ['only createWebhookHandler', "export { createWebhookHandler } from './src/index'", false],
  ] as const) {
    const bytes = await minified(entry, external);
    rows.push({ name, minBytes: bytes.length, minGzBytes: gzipSync(bytes, { level: 9 }).length });
  }
  return rows;
}
