// The package as other teams get it: `npm pack` (whose prepack builds dist/), unpacked into blank ESM and CJS
// projects (TypeScript strict), type-checked against correct and wrong calls, and run against the mock CRM (with
// the Node entry's file journal); the same tarball goes through the packaging linters (attw, publint) and the
// size budgets (size-limit, .size-limit.cjs). No registry access: the tarball is unpacked by hand and its
// dependencies are linked from this checkout.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageReadme } from '../scripts/lib/package-readme';
import { builtPackage } from './harness/built-package';
import { transform } from 'esbuild';
import { PREAMBLE, readmeTsBlocks } from './harness/readme-samples';
import { startDriftedCrm } from './verify/harness/drifted-crm';

const ROOT = join(__dirname, '..');
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
let work: string;
let tarball: { file: string; size: number; files: string[] };

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'crm-pack-'));
  // dist/ and the tarball, built once for every suite of the run that needs them.
  tarball = builtPackage();
  process.stdout.write(`npm pack: ${tarball.files.length} files, ${tarball.size} bytes packed\n`);
}, 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('holds dist/, the generated types and bundled specs, README, CHANGELOG and package.json only', () => {
  const tops = [...new Set(tarball.files.map((f) => f.split('/')[0]))].sort();
  expect(tops).toEqual(['CHANGELOG.md', 'README.md', 'dist', 'generated', 'package.json']);
  expect(tarball.files.filter((f) => /\.test\.|fixture|\.artifacts|contract-tests|^spec\//.test(f))).toEqual([]);
  for (const api of ['crm-rest', 'crm-webhooks', 'psp', 'exchange-rates', 'external-wallets']) expect(tarball.files).toContain(`generated/${api}.openapi.json`);
});

// The README on npm speaks to someone who installed the package; the repository's set-up stays in the repository.
it('ships a README without repository-only commands, naming install, the hosted docs and the repository', () => {
  const shipped = execFileSync('tar', ['-xzf', tarball.file, '-O', 'package/README.md'], { encoding: 'utf8' });
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { homepage: string; repository: { url: string } };
  expect(shipped.match(/npm start|npm run\b|npm test|\bspec\/|repository-only/g)).toBeNull();
  expect(shipped).toContain('npm install crm-open-api');
  expect(shipped).toContain(manifest.homepage);
  expect(shipped).toContain(manifest.repository.url.replace(/^git\+/, '').replace(/\.git$/, ''));
  // One text: the package README is the repository's less its repository-only block, which postpack put back.
  const repository = readFileSync(join(ROOT, 'README.md'), 'utf8');
  expect(shipped).toBe(packageReadme(repository));
  expect(repository.split('\n').slice(0, 12).join('\n')).toMatch(/^npm start\b[\s\S]*^npm test\b/m);
  expect(existsSync(join(ROOT, '.artifacts', 'README.repository.md'))).toBe(false);
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

it('the root, redis and oauth ESM entries import no Node built-in: only openapi-fetch and their own chunks', () => {
  const { files, packages } = esmGraph('index.mjs', 'redis/index.mjs', 'oauth/index.mjs');
  expect([...packages]).toEqual(['openapi-fetch']);
  expect(files.size).toBeGreaterThan(1);
});

it('the root ESM entry, with the chunks it imports, is at most 250 KB', () => {
  const { files } = esmGraph('index.mjs');
  const bytes = [...files].reduce((total, file) => total + statSync(join(ROOT, 'dist', file)).size, 0);
  process.stdout.write(`dist/index.mjs with its chunks: ${bytes} bytes (${[...files].join(', ')})\n`);
  expect(bytes).toBeLessThanOrEqual(250 * 1024);
});

// What each use costs a bundle (.size-limit.cjs: min+gz, esbuild for the browser, openapi-fetch not counted), on
// the dist/ the prepack just built. size-limit exits 1 when any budget is exceeded.
it('every size budget holds (size-limit)', () => {
  const result = spawnSync(bin('size-limit'), ['--json'], { cwd: ROOT, encoding: 'utf8' });
  const rows = JSON.parse(result.stdout) as { name: string; passed: boolean; size: number; sizeLimit: number }[];
  for (const row of rows) process.stdout.write(`size: ${row.name}: ${row.size} B (budget ${row.sizeLimit} B)\n`);
  expect(rows.filter((row) => !row.passed)).toEqual([]);
  expect(rows.length).toBeGreaterThanOrEqual(7);
  expect(result.status).toBe(0);
}, 60_000);

// Types resolve for every entry in every resolution mode (node10 through typesVersions), and the manifest is clean.
it('@arethetypeswrong/cli finds no problem in any profile, node10 included, for any entry', () => {
  const result = spawnSync(bin('attw'), [tarball.file, '--format', 'ascii'], { encoding: 'utf8' });
  process.stdout.write(`attw:\n${result.stdout}${result.stderr}\n`);
  expect(result.stdout).toContain('No problems found');
  for (const entry of ['crm-open-api', 'crm-open-api/testing', 'crm-open-api/redis', 'crm-open-api/oauth', 'crm-open-api/node']) expect(result.stdout).toContain(`"${entry}"`);
  expect(result.status).toBe(0);
}, 60_000);

it('publint reports nothing, not even a suggestion', () => {
  const result = spawnSync(bin('publint'), ['run', tarball.file, '--level', 'suggestion'], { encoding: 'utf8' });
  process.stdout.write(`publint:\n${result.stdout}${result.stderr}\n`);
  expect(result.stdout).toContain('All good!');
  expect(result.status).toBe(0);
}, 60_000);

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

/**
 * One tsc run over both files of a project, the correct calls (app.ts) and the wrong ones (wrong.ts): a run
 * checks the package's declarations (skipLibCheck off) before either file, and that is most of its time. Each
 * file's errors are told apart by the file name tsc puts in front of them.
 */
const typecheck = (dir: string) => {
  writeFileSync(join(dir, 'app.ts'), CORRECT);
  writeFileSync(join(dir, 'wrong.ts'), `${header}export async function wrong() {\n${WRONG.map(([, call]) => `  ${call}`).join('\n')}\n}\n`);
  const result = spawnSync(bin('tsc'), ['-p', dir], { encoding: 'utf8' });
  const output = result.stdout + result.stderr;
  const inWrong = (error: string) => /^(?:\S*\/)?wrong\.ts\(/.test(error);
  // tsc's lines: `file(line,col): error TSn: message`, then indented continuation lines of the same error.
  const errors = output.split(/\n(?=\S)/).filter(Boolean);
  return { status: result.status, app: errors.filter((e) => !inWrong(e)).join('\n'), wrong: errors.filter(inWrong).join('\n') };
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
/** One wrong call per line (lines 4, 5, 6 of wrong.ts), each with what tsc must say about it. */
const WRONG: [string, string, RegExp][] = [
  ['a wrong field name', "await crm.POST('/public/v1/leads', { body: { emial: 'a@b.test' } });", /wrong\.ts\(4,\d+\): error TS\d+: Object literal may only specify known properties, but 'emial' does not exist/],
  ['a wrong type', "await crm.POST('/public/v1/mt4/accounts/{login}/deposit', { params: { path: { login: 200118 } }, body: { connection_id: 'C', currency: 'USD', amount: 1, comment: 'c' } });", /wrong\.ts\(5,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/],
  ['a missing required field', "await crm.POST('/public/v1/mt4/accounts/{login}/deposit', { params: { path: { login: 200118 } }, body: { connection_id: 'C', currency: 'USD', amount: '1.00' } });", /wrong\.ts\(6,\d+\)[^\n]*\n\s+Property 'comment' is missing/],
];

describe.each(['module', 'commonjs'] as const)('installed in a blank %s project (TypeScript strict)', (kind) => {
  let dir: string;
  let checked: ReturnType<typeof typecheck> | undefined;
  beforeAll(() => {
    dir = project(kind);
  });
  const typechecked = () => (checked ??= typecheck(dir));

  it('type-checks correct calls of a sample of operations', () => {
    expect(typechecked().app).toBe('');
  }, 60_000);

  it(`fails to type-check ${WRONG.map(([what]) => what).join(', ')}`, () => {
    const { status, wrong } = typechecked();
    expect(status).not.toBe(0);
    for (const [, , expected] of WRONG) expect(wrong).toMatch(expected);
    expect(wrong.match(/error TS/g)).toHaveLength(WRONG.length);
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

// The tenant's check of its own receivers, from the tarball: the package's webhook handler (imported from the
// installed package, mounted with toNodeHandler) passes; one that accepts unsigned deliveries fails, named.
describe('`npx crm-open-api check`, installed from the tarball', () => {
  let dir: string;
  beforeAll(() => {
    dir = project('module', 'check-only', { prism: false });
    linkBin(dir);
  });

  it('exits 0 against createWebhookHandler behind toNodeHandler, and 1 against a receiver that accepts unsigned deliveries, naming the case', async () => {
    writeFileSync(
      join(dir, 'receivers.mjs'),
      `import { createServer } from 'node:http';
import { createWebhookHandler, toNodeHandler } from 'crm-open-api';
const handler = createWebhookHandler({ secret: 'pack-check-secret', on: {} });
const unsigned = (request) => (request.headers.get('x-crm-signature') ? handler(request) : Promise.resolve(new Response(null, { status: 204 })));
const listen = (fetchHandler) => new Promise((resolve) => { const server = createServer(toNodeHandler(fetchHandler)); server.listen(0, '127.0.0.1', () => resolve(server.address().port)); });
const [good, bad] = await Promise.all([listen(handler), listen(unsigned)]);
console.log(JSON.stringify({ good: 'http://127.0.0.1:' + good, bad: 'http://127.0.0.1:' + bad }));
`,
    );
    const servers = spawn(process.execPath, ['receivers.mjs'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((resolve) => servers.on('exit', resolve));
    try {
      const urls = await new Promise<{ good: string; bad: string }>((resolve, reject) => {
        let output = '';
        servers.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('\n')) resolve(JSON.parse(output.split('\n')[0]!));
        });
        servers.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        servers.on('exit', () => reject(new Error(`the receivers exited early:\n${output}`)));
      });
      const check = (url: string) =>
        new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
          const child = spawn('npx', ['--no-install', 'crm-open-api', 'check', 'webhooks', '--url', url, '--webhook-secret', 'pack-check-secret'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
          child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
          child.on('exit', (status) => resolve({ status, stdout, stderr }));
        });
      const [good, bad] = await Promise.all([check(urls.good), check(urls.bad)]);
      expect({ status: good.status, stderr: good.stderr }).toEqual({ status: 0, stderr: '' });
      expect(good.stdout).toContain('21 cases: passed 21 · failed 0 · skipped 0');
      expect(bad.status).toBe(1);
      expect(bad.stdout).toMatch(/^FAILED \(critical\)\s+auth\.unsigned\s+204\s.*accepted an unsigned delivery/m);
      expect(bad.stdout).toContain('failed 1 ·');
    } finally {
      servers.kill('SIGTERM');
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
