// `crm-open-api verify` end to end: spawned (tsx) against the sandbox (exit 0, the four report files) and
// against a drifted CRM (exit 1, each drift named); money without --yes on a stdin that is no terminal is
// refused before any call (exit 2). The confirmation prompt and the option checks, in process.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyCommand } from '../../src/cli/verify-command';
import { startSandboxCrm, type SandboxCrm } from '../../src/testing/sandbox/server';
import { registerSecret } from '../harness/output-scan';
import { startDriftedCrm, type DriftedCrm } from './harness/drifted-crm';

const KEY = 'verify-cli-key-5e21';
registerSecret(KEY);
const CLI = join(__dirname, '..', '..', 'src', 'cli', 'index.ts');

let sandbox: SandboxCrm;
let drifted: DriftedCrm;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'crm-verify-cli-'));
  sandbox = await startSandboxCrm({ apiKey: KEY });
  drifted = await startDriftedCrm(sandbox.url, {
    'GET /public/v1/connections': { answer: { status: 404, body: { type: 'not_found' } } },
    'GET /public/v1/users': { rewrite: ({ count, ...rest }) => ({ ...rest, total: count }) },
  });
});
afterAll(async () => {
  await drifted?.stop();
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The command in a child process (the servers answer from this one, so never spawnSync). */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'verify', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CRM_API_KEY: '', CRM_BASE_URL: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

it('exits 0 against the sandbox and writes the four reports; 1 against a drifted CRM, naming each drift; 2 for money it may not ask about', async () => {
  const files = ['json', 'html', 'junit', 'report-issue'].flatMap((kind) => [`--${kind}`, join(dir, `report.${kind}`)]);
  const before = drifted.requests.length;
  const [clean, drift, money] = await Promise.all([
    cli(['--base-url', sandbox.url, '--api-key', KEY, ...files]),
    cli(['--base-url', drifted.url, '--api-key', KEY, '--signature-version', 'v2']),
    cli(['--base-url', drifted.url, '--api-key', KEY, '--writes', '--test-user', '3fA9kQ2z', '--money', '--account', '200118', '--connection', 'Cn4Mt001']),
  ]);

  expect({ status: clean.status, stderr: clean.stderr }).toEqual({ status: 0, stderr: '' });
  expect(clean.stdout).toContain('PASSED: every answer checked is documented by the spec.');
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  expect(report).toMatchObject({ passed: true, tiers: ['read'], signature: { version: 'v2', how: 'detected' } });
  expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/);
  expect(readFileSync(join(dir, 'report.junit'), 'utf8')).toContain('failures="0"');
  expect(readFileSync(join(dir, 'report.report-issue'), 'utf8')).toContain('0 refuted guess(es), 0 drift(s), 0 undocumented status(es)');
  for (const file of ['json', 'html', 'junit', 'report-issue']) expect(readFileSync(join(dir, `report.${file}`), 'utf8')).not.toContain(KEY);

  expect(drift.status).toBe(1);
  expect(drift.stdout).toMatch(/refuted-guess\s+listTradingConnections\s+GET \/public\/v1\/connections\s+404\s+answered 404: the inferred path is not the CRM's/);
  expect(drift.stdout).toMatch(/drift\s+listClients\s+GET \/public\/v1\/users\s+200\s+\$\.count is required \(came absent\)/);
  expect(drift.stdout).toContain('FAILED: 2 operation(s) answer what the spec does not document');

  expect(money.status).toBe(2);
  expect(money.stderr).toContain('--money asks before moving money, and stdin is not a terminal: add --yes to go on without asking');
  // The drifted CRM saw the two other runs only: none of the money run's calls (no detection either).
  expect(drifted.requests.slice(before).filter((r) => r.startsWith('POST /public/v1/mt4') || r.startsWith('PATCH'))).toEqual([]);
}, 60_000);

describe('in process', () => {
  const io = (answers: string[] = []) => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line), ask: async (question: string) => (out.push(question), answers.shift() ?? '') } };
  };
  const money = () => ['--base-url', sandbox.url, '--api-key', KEY, '--writes', '--test-user', '3fA9kQ2z', '--money', '--account', '200118', '--connection', 'Cn4Mt001'];

  it('prints what --money will do and asks; anything but "yes" stops it before any call (exit 2)', async () => {
    sandbox.reset();
    const calls = sandbox.requests.length;
    const { out, err, io: terminal } = io(['no']);
    expect(await verifyCommand(money(), terminal)).toBe(2);
    expect(out.join('\n')).toMatch(/--money will, on http:\/\/127\.0\.0\.1:\d+:\n {2}- deposit 0\.01 USD to MT4 account 200118 \(connection Cn4Mt001\)/);
    expect(out).toContain('Move this money? Type "yes" to go on: ');
    expect(err).toEqual(['crm-open-api verify: the money movements were not confirmed: nothing was called']);
    expect(sandbox.requests.length).toBe(calls);
  });

  it('"yes" runs it (exit 0)', async () => {
    sandbox.reset();
    const { out, io: terminal } = io(['yes']);
    expect(await verifyCommand(money(), terminal)).toBe(0);
    expect(out.join('\n')).toContain('PASSED');
    expect(sandbox.state().transactions.filter((t: { comment?: string }) => t.comment?.startsWith('crm-open-api-verify-'))).toHaveLength(2);
  });

  it.each([
    ['no base URL', [], '--base-url and --api-key are required'],
    ['--writes without --test-user', ['--writes'], 'writes need a test user (testUser)'],
    ['--money without the account', ['--money', '--writes', '--test-user', 'u'], '--money needs --account LOGIN and --connection ID'],
    ['an unknown scheme', ['--signature-version', 'v3'], '--signature-version must be v1, v2 or auto'],
    ['--concurrency 0', ['--concurrency', '0'], '--concurrency must be a positive integer'],
    ['a CRM that does not answer (a closed loopback port)', [], 'no answer from the CRM at http://127.0.0.1:1'],
  ])('refuses %s (exit 2)', async (label, extra, message) => {
    const args = label === 'no base URL' ? ['--api-key', KEY] : ['--base-url', 'http://127.0.0.1:1', '--api-key', KEY, ...extra];
    const saved = { url: process.env.CRM_BASE_URL, key: process.env.CRM_API_KEY };
    delete process.env.CRM_BASE_URL;
    delete process.env.CRM_API_KEY;
    try {
      const { err, io: terminal } = io();
      expect(await verifyCommand(args, terminal)).toBe(2);
      expect(err.join('\n')).toContain(message);
      expect(err.join('\n')).not.toContain(KEY);
    } finally {
      if (saved.url !== undefined) process.env.CRM_BASE_URL = saved.url;
      if (saved.key !== undefined) process.env.CRM_API_KEY = saved.key;
    }
  });
});
