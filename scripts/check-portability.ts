// npm run check:portability: the bundled specs work beyond our own tools. Each bundle must validate with
// @apidevtools/swagger-parser, lint with Spectral's `spectral:oas` ruleset with 0 errors, and generate with a
// second generator (@hey-api/openapi-ts) without errors.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { GENERATED, ROOT, bundlePath, listApis } from './lib/apis';
import { bin } from './lib/run';

function run(command: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => (output += String(error)));
    child.on('close', (code) => resolve({ ok: code === 0, output }));
  });
}

async function main(): Promise<number> {
  let failures = 0;
  const report = (api: string, tool: string, ok: boolean, detail = '') => {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${api}: ${tool}${detail ? `\n${detail}` : ''}`);
    if (!ok) failures++;
  };
  const apis = listApis().map((api) => ({ name: api.name, file: bundlePath(GENERATED, api.name) }));
  const out = mkdtempSync(join(tmpdir(), 'hey-api-'));
  try {
    // Spectral and hey-api each run once for every bundle (most of a run is the tool's start-up: one at a time
    // per bundle, this check took 28 s), side by side with each other and swagger-parser. What each finds is
    // told apart by bundle: Spectral's findings name their file; a failing hey-api run is repeated per bundle.
    const spectral = run(bin('spectral'), ['lint', ...apis.map((a) => a.file), '--ruleset', join(ROOT, '.spectral.yaml'), '--fail-severity', 'error', '--display-only-failures', '--format', 'json', '--quiet']);
    const generate = (list: typeof apis) => run(bin('openapi-ts'), ['--input', ...list.map((a) => a.file), '--output', ...list.map((a) => join(out, a.name)), '--silent']);
    const heyApi = generate(apis);
    for (const api of apis) {
      try {
        await SwaggerParser.validate(api.file);
        report(api.name, 'swagger-parser validate', true);
      } catch (error) {
        report(api.name, 'swagger-parser validate', false, String(error));
      }
    }
    const linted = await spectral;
    let findings: { source?: string; code?: string; message?: string; path?: string[] }[] | undefined;
    try {
      findings = JSON.parse(linted.output.trim() || '[]') as typeof findings;
    } catch {
      findings = undefined;
    }
    for (const api of apis) {
      const own = findings?.filter((f) => f.source === api.file) ?? [];
      const ok = findings !== undefined && own.length === 0 && (linted.ok || findings.length > 0);
      report(api.name, 'spectral lint (spectral:oas, 0 errors)', ok, ok ? '' : findings ? own.map((f) => `  ${f.code}: ${f.message} at ${(f.path ?? []).join('.')}`).join('\n') || linted.output : linted.output);
    }
    const generated = await heyApi;
    if (generated.ok) for (const api of apis) report(api.name, '@hey-api/openapi-ts generate', true);
    else {
      for (const api of apis) {
        rmSync(join(out, api.name), { recursive: true, force: true });
        const alone = await generate([api]);
        report(api.name, '@hey-api/openapi-ts generate', alone.ok, alone.ok ? '' : alone.output);
      }
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return failures === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (error) => { console.error(error); process.exit(1); });
