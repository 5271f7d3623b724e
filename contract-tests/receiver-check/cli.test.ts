// `crm-open-api check` in process: exit 0 against the package's own receiver with the table, --json and
// --junit written; 1 against a receiver that accepts unsigned deliveries, naming the case; 2 for bad options.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCommand } from '../../src/cli/check-command';
import { KIT_SECRETS, TEST_USER, ownHandlers, serve, type Served } from './harness/receivers';

let dir: string;
let good: Served;
let unsigned: Served;
let wallets: Served;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'crm-check-cli-'));
  const { handlers } = ownHandlers();
  good = await serve(handlers.webhooks);
  // Accepts a delivery without X-Crm-Signature; checks the others.
  unsigned = await serve((request) => (request.headers.get('x-crm-signature') ? handlers.webhooks(request) : Promise.resolve(new Response(null, { status: 204 }))));
  wallets = await serve(handlers['external-wallets']);
});
afterAll(async () => {
  await Promise.all([good?.stop(), unsigned?.stop(), wallets?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

const run = async (args: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const status = await checkCommand(args, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { status, out: out.join('\n'), err: err.join('\n') };
};

it('exits 0 against createWebhookHandler, printing the table and writing --json and --junit', async () => {
  const { status, out, err } = await run(['webhooks', '--url', good.url, '--webhook-secret', KIT_SECRETS.webhookSecret, '--json', join(dir, 'r.json'), '--junit', join(dir, 'r.xml')]);
  expect({ status, err }).toEqual({ status: 0, err: '' });
  expect(out).toMatch(/^passed\s+auth\.unsigned\s+401\s+\d+ ms\s+a delivery without X-Crm-Signature/m);
  expect(out).toContain('21 cases: passed 21 · failed 0 · skipped 0');
  const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
  expect(report).toMatchObject({ surface: 'webhooks', passed: true, timeoutMs: 5000 });
  const junit = readFileSync(join(dir, 'r.xml'), 'utf8');
  expect(junit).toContain('<testsuites name="crm-open-api check" tests="21" failures="0" errors="0" skipped="0">');
  expect(junit).toMatch(/<testcase classname="webhooks\.authentication" name="auth\.unsigned: [^"]+" time="\d+\.\d{3}"\/>/);
});

it('exits 1 against a receiver that accepts unsigned deliveries, naming the case as critical', async () => {
  const { status, out } = await run(['webhooks', '--url', unsigned.url, '--webhook-secret', KIT_SECRETS.webhookSecret, '--junit', join(dir, 'bad.xml')]);
  expect(status).toBe(1);
  expect(out).toMatch(/^FAILED \(critical\)\s+auth\.unsigned\s+204\s+\d+ ms\s+accepted an unsigned delivery \(204\); it must be refused with a 4xx$/m);
  expect(out).toContain('FAILED: 1 case(s) failed, 1 critical (a forged or unauthenticated call was accepted).');
  expect(readFileSync(join(dir, 'bad.xml'), 'utf8')).toContain('<failure type="critical" message="auth.unsigned (204)">accepted an unsigned delivery (204); it must be refused with a 4xx</failure>');
});

it('external-wallets: without --allow-writes lists the money cases as skipped; with it and --test-user runs them', async () => {
  const read = await run(['external-wallets', '--url', wallets.url, '--wallets-key', KIT_SECRETS.walletsKey]);
  expect(read.status).toBe(0);
  expect(read.out).toMatch(/^skipped\s+once\.order-id-repeat\s+moves money in your wallet service: runs only with allowWrites \(--allow-writes\) and testUser \(--test-user\)$/m);
  expect(read.out).toContain('PASSED: every case that ran passed (5 skipped: see why above).');
  const writes = await run(['external-wallets', '--url', wallets.url, '--wallets-key', KIT_SECRETS.walletsKey, '--allow-writes', '--test-user', TEST_USER]);
  expect(writes.status).toBe(0);
  expect(writes.out).toMatch(/^passed\s+once\.order-id-repeat\s+422\s/m);
});

it('names CRM_PSP_TOKEN when the token from the environment holds a control character, never the token', async () => {
  const previous = process.env.CRM_PSP_TOKEN;
  process.env.CRM_PSP_TOKEN = 'env-token\nsecret-part';
  try {
    const { status, out, err } = await run(['psp', '--url', 'http://127.0.0.1:1']);
    expect({ status, err }).toEqual({ status: 2, err: 'crm-open-api check: CRM_PSP_TOKEN: must not contain control characters' });
    expect(out).toBe('');
  } finally {
    if (previous === undefined) delete process.env.CRM_PSP_TOKEN;
    else process.env.CRM_PSP_TOKEN = previous;
  }
});

it('reports the URL as given, its path included, a secret in its query redacted (table, --json, --junit)', async () => {
  const url = `${good.url}/crm/webhooks?tenant=t1&token=${KIT_SECRETS.webhookSecret}&copy=${KIT_SECRETS.webhookSecret}`;
  const shown = `${good.url}/crm/webhooks?tenant=t1&token=[redacted]&copy=[redacted]`;
  const { status, out } = await run(['webhooks', '--url', url, '--webhook-secret', KIT_SECRETS.webhookSecret, '--json', join(dir, 'path.json'), '--junit', join(dir, 'path.xml')]);
  expect(status).toBe(0);
  expect(out.split('\n')[0]).toBe(`crm-open-api check webhooks: ${shown} · the CRM's timeout 5000 ms`);
  expect(JSON.parse(readFileSync(join(dir, 'path.json'), 'utf8')).target).toBe(shown);
  const junit = readFileSync(join(dir, 'path.xml'), 'utf8');
  expect(junit).toContain(`name="crm-open-api check webhooks ${shown.replaceAll('&', '&amp;')}"`);
  for (const text of [out, junit, readFileSync(join(dir, 'path.json'), 'utf8')]) expect(text).not.toContain(KIT_SECRETS.webhookSecret);
});

it.each([
  [['webhooks'], /--url is required/],
  [['nothing', '--url', 'http://127.0.0.1:1'], /name one surface: webhooks, psp, exchange-rates, external-wallets/],
  [['psp', '--url', 'http://127.0.0.1:1'], /psp needs --psp-token \(or CRM_PSP_TOKEN\)/],
  [['external-wallets', '--url', 'http://127.0.0.1:1', '--wallets-key', 'k', '--allow-writes'], /--allow-writes needs --test-user/],
  [['psp', '--url', 'http://127.0.0.1:1', '--psp-token', 't', '--psp-sign', 'sometimes'], /--psp-sign must be require, if-present or ignore/],
  [['webhooks', '--url', 'ftp://127.0.0.1:1', '--webhook-secret', 's'], /url must be an http\(s\) URL/],
  [['webhooks', '--bogus'], /Unknown option '--bogus'/],
  [['webhooks', '--url', 'http://user:pw@127.0.0.1:1/', '--webhook-secret', 's'], /^crm-open-api check: --url must not hold credentials$/],
  [['psp', '--url', 'http://127.0.0.1:1', '--psp-token', 'a\nb'], /^crm-open-api check: --psp-token: must not contain control characters$/],
  [['external-wallets', '--url', 'http://127.0.0.1:1', '--wallets-key', 'kit\r\nx-injected: 1'], /^crm-open-api check: --wallets-key: must not contain control characters$/],
])('exits 2 for %j', async (args, message) => {
  const previous = process.env.CRM_PSP_TOKEN;
  delete process.env.CRM_PSP_TOKEN;
  try {
    const { status, err } = await run(args);
    expect(status).toBe(2);
    expect(err).toMatch(message);
  } finally {
    if (previous !== undefined) process.env.CRM_PSP_TOKEN = previous;
  }
});
