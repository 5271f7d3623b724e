// npm run check:portability: the bundled specs work beyond our own tools. Each bundle must validate with
// @apidevtools/swagger-parser, lint with Spectral's `spectral:oas` ruleset with 0 errors, and generate with a
// second generator (@hey-api/openapi-ts) without errors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { GENERATED, ROOT, bundlePath, listApis } from './lib/apis';
import { bin } from './lib/run';

function run(command: string, args: string[]): { ok: boolean; output: string } {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

async function main(): Promise<number> {
  let failures = 0;
  const report = (api: string, tool: string, ok: boolean, detail = '') => {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${api}: ${tool}${detail ? `\n${detail}` : ''}`);
    if (!ok) failures++;
  };
  for (const api of listApis()) {
    const file = bundlePath(GENERATED, api.name);
    try {
      await SwaggerParser.validate(file);
      report(api.name, 'swagger-parser validate', true);
    } catch (error) {
      report(api.name, 'swagger-parser validate', false, String(error));
    }
    const spectral = run(bin('spectral'), ['lint', file, '--ruleset', join(ROOT, '.spectral.yaml'), '--fail-severity', 'error', '--display-only-failures']);
    report(api.name, 'spectral lint (spectral:oas, 0 errors)', spectral.ok, spectral.ok ? '' : spectral.output);
    const out = mkdtempSync(join(tmpdir(), `hey-api-${api.name}-`));
    try {
      const heyApi = run(bin('openapi-ts'), ['--input', file, '--output', out, '--silent']);
      report(api.name, '@hey-api/openapi-ts generate', heyApi.ok, heyApi.ok ? '' : heyApi.output);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  return failures === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (error) => { console.error(error); process.exit(1); });
