// The package as other teams get it: `npm pack`, unpacked into blank ESM and CJS projects (TypeScript strict),
// type-checked against correct and wrong calls, and run against the mock CRM (with the Node entry's file
// journal). No registry access: the tarball is unpacked by hand and its dependencies are linked from this checkout.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, transform } from 'esbuild';
import { PREAMBLE, readmeTsBlocks } from './harness/readme-samples';
import { startDriftedCrm } from './verify/harness/drifted-crm';

const ROOT = join(__dirname, '..');
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
let work: string;
let tarball: { file: string; size: number; files: string[] };

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'crm-pack-'));
  execFileSync(bin('tsup'), { cwd: ROOT, stdio: 'pipe' });
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' })) as { filename: string; size: number; files: { path: string }[] }[];
  tarball = { file: join(work, packed!.filename), size: packed!.size, files: packed!.files.map((f) => f.path) };
  process.stdout.write(`npm pack: ${tarball.files.length} files, ${tarball.size} bytes packed\n`);
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('holds dist/, the generated types and bundled specs, README and package.json only', () => {
  const tops = [...new Set(tarball.files.map((f) => f.split('/')[0]))].sort();
  expect(tops).toEqual(['README.md', 'dist', 'generated', 'package.json']);
  expect(tarball.files.filter((f) => /\.test\.|fixture|\.artifacts|contract-tests|^spec\//.test(f))).toEqual([]);
  for (const api of ['crm-rest', 'crm-webhooks', 'psp', 'exchange-rates', 'external-wallets']) expect(tarball.files).toContain(`generated/${api}.openapi.json`);
});

/** The files of dist/ that ESM `entries` load (following relative imports) and the packages they import. */
function esmGraph(...entries: string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(join(ROOT, 'dist', file), 'utf8');
    const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*"([^"]+)"/g), ...source.matchAll(/\bimport\s*"([^"]+)"/g)].map(([, s]) => s!);
    for (const specifier of specifiers) {
      if (specifier.startsWith('./') || specifier.startsWith('../')) visit(join(file, '..', specifier));
      else packages.add(specifier);
    }
  };
  entries.forEach(visit);
  return { files, packages };
}

it('the root and redis ESM entries import no Node built-in: only openapi-fetch and their own chunks', () => {
  const { files, packages } = esmGraph('index.mjs', 'redis/index.mjs');
  expect([...packages]).toEqual(['openapi-fetch']);
  expect(files.size).toBeGreaterThan(1);
});

it('the root ESM entry, with the chunks it imports, is at most 250 KB', () => {
  const { files } = esmGraph('index.mjs');
  const bytes = [...files].reduce((total, file) => total + statSync(join(ROOT, 'dist', file)).size, 0);
  process.stdout.write(`dist/index.mjs with its chunks: ${bytes} bytes (${[...files].join(', ')})\n`);
  expect(bytes).toBeLessThanOrEqual(250 * 1024);
});

// A worker that imports one receiver helper from the package bundles only what that helper needs.
it.each(['verifyWebhook', 'pspSign', 'createWebhookHandler'])('a consumer importing only %s bundles (esbuild, minified, for the browser) under 10 KB', async (name) => {
  const result = await build({
    stdin: { contents: `export { ${name} } from ${JSON.stringify(join(ROOT, 'dist', 'index.mjs'))};`, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  const bytes = result.outputFiles[0]!.contents.length;
  process.stdout.write(`only ${name}: ${bytes} bytes minified\n`);
  expect(bytes).toBeLessThan(10 * 1024);
});

/** A blank project with the tarball installed (unpacked) and its dependencies linked (`prism`: the optional peer too). */
function project(kind: 'module' | 'commonjs', name: string = kind, { prism = true } = {}): string {
  const dir = join(work, name);
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, '@stoplight'), { recursive: true });
  execFileSync('tar', ['-xzf', tarball.file, '-C', modules]);
  execFileSync('mv', [join(modules, 'package'), join(modules, 'crm-open-api')]);
  symlinkSync(join(ROOT, 'node_modules', 'openapi-fetch'), join(modules, 'openapi-fetch'));
  if (prism) symlinkSync(join(ROOT, 'node_modules', '@stoplight', 'prism-cli'), join(modules, '@stoplight', 'prism-cli'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `blank-${kind}`, private: true, type: kind }));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: false, types: [] } }),
  );
  return dir;
}

const typecheck = (dir: string, source: string) => {
  writeFileSync(join(dir, 'app.ts'), source);
  const result = spawnSync(bin('tsc'), ['-p', dir], { encoding: 'utf8' });
  return { ok: result.status === 0, output: result.stdout + result.stderr };
};

const header = "import { createCrmClient, paginate, recoverJournal, CrmAmbiguousOutcomeError, verifyWebhook, pspSign, type Journal } from 'crm-open-api';\nconst crm = createCrmClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k' });\n";
const CORRECT = `${header}
export async function calls() {
  const clients = await crm.GET('/public/v1/users', { params: { query: { skip: 0, limit: 10 } } });
  if (clients.data) clients.data.records.map((c) => c.id);
  if (clients.error) { const t: string = clients.error.type; void t; }
  await crm.POST('/public/v1/leads', { body: { email: 'a@b.test', name: 'A' } });
  await crm.POST('/public/v1/mt4/accounts/{login}/deposit', { params: { path: { login: 200118 } }, body: { connection_id: 'Cn4Mt001', currency: 'USD', amount: '1.00', comment: 'c-1' } });
  for await (const c of paginate(crm, '/public/v1/users', { params: { query: {} } })) void c.id;
  void CrmAmbiguousOutcomeError; void verifyWebhook; void pspSign;
  const store: import('crm-open-api/redis').DedupeStore = (await import('crm-open-api/redis')).redisDedupeStore({ sendCommand: async () => 'claimed' });
  void store.claim('k', 1000);
  const journal: Journal = (await import('crm-open-api/node')).fileJournal('journal.jsonl');
  const recovered = await recoverJournal(createCrmClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k', journal }), journal);
  for (const line of recovered) { const outcome: 'applied' | 'not_applied' | 'already_decided' | 'unknown' = line.outcome; void outcome; }
}
`;
/** One wrong call per line (lines 4, 5, 6 of the file), each with what tsc must say about it. */
const WRONG: [string, string, RegExp][] = [
  ['a wrong field name', "await crm.POST('/public/v1/leads', { body: { emial: 'a@b.test' } });", /app\.ts\(4,\d+\): error TS\d+: Object literal may only specify known properties, but 'emial' does not exist/],
  ['a wrong type', "await crm.POST('/public/v1/mt4/accounts/{login}/deposit', { params: { path: { login: 200118 } }, body: { connection_id: 'C', currency: 'USD', amount: 1, comment: 'c' } });", /app\.ts\(5,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/],
  ['a missing required field', "await crm.POST('/public/v1/mt4/accounts/{login}/deposit', { params: { path: { login: 200118 } }, body: { connection_id: 'C', currency: 'USD', amount: '1.00' } });", /app\.ts\(6,\d+\)[^\n]*\n\s+Property 'comment' is missing/],
];

describe.each(['module', 'commonjs'] as const)('installed in a blank %s project (TypeScript strict)', (kind) => {
  let dir: string;
  beforeAll(() => {
    dir = project(kind);
  });

  it('type-checks correct calls of a sample of operations', () => {
    const { ok, output } = typecheck(dir, CORRECT);
    expect(output).toBe('');
    expect(ok).toBe(true);
  }, 60_000);

  it(`fails to type-check ${WRONG.map(([what]) => what).join(', ')}`, () => {
    const { ok, output } = typecheck(dir, `${header}export async function wrong() {\n${WRONG.map(([, call]) => `  ${call}`).join('\n')}\n}\n`);
    expect(ok).toBe(false);
    for (const [, , expected] of WRONG) expect(output).toMatch(expected);
    expect(output.match(/error TS/g)).toHaveLength(WRONG.length);
  }, 60_000);

  it('runs a request against the mock CRM', () => {
    const ext = kind === 'module' ? 'mjs' : 'cjs';
    const load =
      kind === 'module'
        ? "import { createCrmClient } from 'crm-open-api';\nimport { startMockCrm } from 'crm-open-api/testing';\nimport { fileJournal } from 'crm-open-api/node';"
        : "const { createCrmClient } = require('crm-open-api');\nconst { startMockCrm } = require('crm-open-api/testing');\nconst { fileJournal } = require('crm-open-api/node');";
    writeFileSync(
      join(dir, `run.${ext}`),
      `${load}
(async () => {
  const mock = await startMockCrm({ apiKey: 'pack-test-key' });
  try {
    const journal = fileJournal('journal-${kind}.jsonl');
    const crm = createCrmClient({ baseUrl: mock.url, apiKey: 'pack-test-key', journal });
    const { data, response } = await crm.POST('/public/v1/leads', { body: { email: 'a@b.test', name: 'A' } });
    const journaled = (await journal.entries()).map((entry) => entry.operationId + ' ' + entry.settlement.outcome);
    await journal.close();
    console.log(JSON.stringify({ status: response.status, id: data && data.id, signed: mock.requests[0].headers.signature.startsWith('sha256='), journaled }));
  } finally {
    await mock.stop();
  }
})();
`,
    );
    const output = execFileSync(process.execPath, [join(dir, `run.${ext}`)], { cwd: dir, encoding: 'utf8' });
    expect(JSON.parse(output.trim().split('\n').pop()!)).toEqual({ status: 201, id: expect.any(String), signed: true, journaled: ['createLead applied'] });
  }, 60_000);
});

/** What npm's install does for a `bin` entry: a link in node_modules/.bin, executable. */
function linkBin(dir: string): void {
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  symlinkSync('../crm-open-api/dist/cli/index.js', join(dir, 'node_modules', '.bin', 'crm-open-api'));
  execFileSync('chmod', ['+x', join(dir, 'node_modules', 'crm-open-api', 'dist', 'cli', 'index.js')]);
}

/** Runs the command in `dir` until its banner is printed; `detached` puts it in its own process group. */
async function startCommand(dir: string, command: string, args: string[]) {
  const child = spawn(command, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Press Ctrl+C')) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', () => reject(new Error(`the command exited early:\n${output}`)));
  });
  const printed = {
    url: /base URL : (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1],
    signature: /-H 'signature: (sha256=[0-9a-f]{64})'/.exec(output)?.[1],
    data: /--data '([^']+)'/.exec(output)?.[1],
  };
  return { child, exited, printed };
}

describe('the crm-open-api command, installed from the tarball', () => {
  let dir: string;
  beforeAll(() => {
    dir = project('module', 'with-bin');
    linkBin(dir);
  });
  const startCommandHere = (command: string, args: string[]) => startCommand(dir, command, args);

  it('`npx crm-open-api sandbox` prints the base URL and a signed curl, and the sandbox answers it', async () => {
    const { child, exited, printed } = await startCommandHere('npx', ['--no-install', 'crm-open-api', 'sandbox', '--port', '0', '--api-key', 'pack-sandbox-key']);
    try {
      expect(printed).toEqual({ url: expect.any(String), signature: expect.any(String), data: expect.any(String) });
      const answer = await fetch(`${printed.url}/public/v1/leads`, { method: 'POST', headers: { 'content-type': 'application/json', key: 'pack-sandbox-key', signature: printed.signature! }, body: printed.data });
      expect(answer.status).toBe(201);
      const state = (await (await fetch(`${printed.url}/__sandbox/state`)).json()) as { leads: { email: string }[] };
      expect(state.leads.map((l) => l.email)).toEqual(['lee.prospect@mail.test']);
    } finally {
      // npx does not pass SIGTERM on to the command: stop the whole group.
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
  }, 60_000);

  it('stops cleanly (exit 0, port closed) on SIGTERM and on SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const { child, exited, printed } = await startCommandHere(join(dir, 'node_modules', '.bin', 'crm-open-api'), ['sandbox', '--port', '0']);
      child.kill(signal);
      expect(await exited).toBe(0);
      await expect(fetch(`${printed.url}/public/v1/connections`)).rejects.toThrow();
    }
  }, 60_000);
});

// The tenant's check of its own CRM needs nothing but the package and openapi-fetch: no Prism, no Redocly, no ajv.
describe('`npx crm-open-api verify`, installed from the tarball with openapi-fetch only', () => {
  let dir: string;
  beforeAll(() => {
    dir = project('module', 'verify-only', { prism: false });
    linkBin(dir);
  });

  const verify = (args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('npx', ['--no-install', 'crm-open-api', 'verify', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('exit', (status) => resolve({ status, stdout, stderr }));
    });

  it('exits 0 against `npx crm-open-api sandbox`, and 1 against a drifted CRM naming each drift', async () => {
    const { child, exited, printed } = await startCommand(dir, 'npx', ['--no-install', 'crm-open-api', 'sandbox', '--port', '0', '--api-key', 'pack-verify-key']);
    const drifted = await startDriftedCrm(printed.url!, {
      'GET /public/v1/connections': { answer: { status: 404, body: { type: 'not_found' } } },
      'GET /public/v1/configurations/countries': { rewrite: ([first, ...rest]) => [{ ...first, code: 44 }, ...rest] },
    });
    try {
      const [clean, drift] = await Promise.all([verify(['--base-url', printed.url!, '--api-key', 'pack-verify-key']), verify(['--base-url', drifted.url, '--api-key', 'pack-verify-key'])]);
      expect({ status: clean.status, stderr: clean.stderr }).toEqual({ status: 0, stderr: '' });
      expect(clean.stdout).toContain('PASSED');
      expect(drift.status).toBe(1);
      expect(drift.stdout).toMatch(/refuted-guess\s+listTradingConnections\s+GET \/public\/v1\/connections\s+404/);
      expect(drift.stdout).toMatch(/refuted-guess\s+getCountries\s+GET \/public\/v1\/configurations\/countries\s+200\s+\$\[0\]\.code must be string \(came integer\) \[guess\]/);
    } finally {
      await drifted.stop();
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
  }, 90_000);
});

// Issue 29: `require('crm-open-api')` and `import('crm-open-api')` of one install load two builds, each with its
// own classes; `instanceof` must still recognise the other build's errors (a Symbol.hasInstance brand check).
it('error classes are recognised by instanceof across the CJS and ESM builds of one install', () => {
  const dir = project('commonjs', 'dual-build', { prism: false });
  writeFileSync(
    join(dir, 'dual.cjs'),
    `const cjs = require('crm-open-api');
import('crm-open-api').then((esm) => {
  const names = Object.keys(cjs).filter((name) => /Error$/.test(name) && typeof cjs[name] === 'function');
  const seen = {};
  for (const name of names) {
    const fromEsm = new esm[name]('m', 'x', undefined, 0, 'op');
    const fromCjs = new cjs[name]('m', 'x', undefined, 0, 'op');
    seen[name] = {
      twoClasses: cjs[name] !== esm[name],
      esmIsCjs: fromEsm instanceof cjs[name] && fromEsm instanceof cjs.CrmError && fromEsm instanceof Error,
      cjsIsEsm: fromCjs instanceof esm[name] && fromCjs instanceof esm.CrmError,
      notASibling: !(fromEsm instanceof cjs[name === 'CrmApiError' ? 'CrmTimeoutError' : 'CrmApiError']) && !({ name } instanceof cjs[name]),
    };
  }
  console.log(JSON.stringify(seen));
});
`,
  );
  const seen = JSON.parse(execFileSync(process.execPath, [join(dir, 'dual.cjs')], { cwd: dir, encoding: 'utf8' }).trim()) as Record<string, object>;
  expect(Object.keys(seen).length).toBeGreaterThanOrEqual(14);
  for (const [name, checks] of Object.entries(seen)) expect({ name, ...checks }).toEqual({ name, twoClasses: true, esmIsCjs: true, cjsIsEsm: true, notASibling: true });
}, 60_000);

// Issue 29, item 1: every ```ts block of README.md compiles as written under strict + exactOptionalPropertyTypes +
// noUncheckedIndexedAccess against the packed package, each block a module of its own over the shared,
// documented preamble (harness/readme-samples.ts); the "Test your integration" blocks that use the sandbox run.
describe('README samples, in a blank strict project that installed the tarball', () => {
  let dir: string;
  const blocks = readmeTsBlocks(ROOT);
  beforeAll(() => {
    dir = project('module', 'readme', { prism: true });
    // What a reader's Node project has besides the package: Node's and Express's types, express, redis, and jest's expect.
    mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
    for (const name of ['express', 'redis', 'expect', '@types/node', '@types/express']) symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'], noEmit: true, skipLibCheck: true, types: ['node'] }, include: ['*.ts'] }),
    );
    writeFileSync(join(dir, 'preamble.d.ts'), PREAMBLE);
  });

  it('finds the README\'s ts blocks', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(20);
  });

  it('every block compiles (tsc, strict + exactOptionalPropertyTypes + noUncheckedIndexedAccess)', () => {
    for (const block of blocks) writeFileSync(join(dir, `readme-line-${block.line}.ts`), `${block.code}\nexport {};\n`);
    // Issue 29: Node's own IncomingMessage/ServerResponse fit toNodeHandler under these flags.
    writeFileSync(join(dir, 'node-handler-types.ts'), "import { createServer } from 'node:http';\nimport { toNodeHandler } from 'crm-open-api';\ncreateServer(toNodeHandler(async () => new Response(null))).listen(0);\nexport {};\n");
    const result = spawnSync(bin('tsc'), ['-p', dir], { encoding: 'utf8' });
    // Named by README line, so a failure points at the sample.
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 120_000);

  it('the "Test your integration" blocks run against the sandbox, as written', async () => {
    const running = blocks.filter((block) => block.section === 'Test your integration' && block.code.includes('sandbox') && !block.code.includes('startMockCrm'));
    expect(running.length).toBeGreaterThanOrEqual(3);
    // One script, in order; an import two blocks both make is kept once.
    const lines = running.flatMap((block) => block.code.split('\n'));
    const script = lines.filter((line, at) => !line.startsWith('import ') || lines.indexOf(line) === at).join('\n');
    const { code } = await transform(`import { expect } from 'expect';\n${script}\n`, { loader: 'ts', format: 'esm' });
    writeFileSync(join(dir, 'integration.mjs'), `${code}\nconsole.log('README integration: ok');\n`);
    const output = execFileSync(process.execPath, [join(dir, 'integration.mjs')], { cwd: dir, encoding: 'utf8' });
    expect(output).toContain('README integration: ok');
  }, 60_000);
});
