// The bench runs the SDK as it ships: bundled by esbuild (as tsup does), not as tsx runs src/ — tsx names
// every function it creates (`keepNames`), which would charge the SDK's closures a cost users never pay.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { ROOT } from './apis';

export type BenchSdk = typeof import('./bench-entry');

export function loadBenchSdk(): BenchSdk {
  const dir = join(ROOT, '.artifacts', 'bench');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'sdk.cjs');
  // CommonJS with openapi-fetch left out, so the SDK and the bare baseline share one openapi-fetch.
  buildSync({ entryPoints: [join(ROOT, 'scripts', 'lib', 'bench-entry.ts')], bundle: true, format: 'cjs', platform: 'node', target: 'node20', outfile, external: ['openapi-fetch'], logLevel: 'error' });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(outfile) as BenchSdk;
}
