// `crm-open-api trigger` end to end: spawned (tsx) against the package's own handlers (exit 0, the request
// printed with its secrets redacted) and against receivers that break the spec (exit 1, the problem named);
// bad options exit 2 before anything is sent. The other kinds, in process.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { triggerCommand } from '../../src/cli/trigger-command';
import { buildCrmCall } from '../../src/testing/crm-calls';
import { listen, type Listening } from '../../src/testing/http-host';
import { buildReceivers, mountReceivers, SECRETS } from '../harness/hostile-receivers';
import { refusedUrl } from '../harness/fault-server';

const CLI = join(__dirname, '..', '..', 'src', 'cli', 'index.ts');
let mounted: Awaited<ReturnType<typeof mountReceivers>>;
let broken: Listening;
beforeAll(async () => {
  mounted = await mountReceivers(buildReceivers());
  // A webhook receiver answering 500 with an HTML page, a rate API answering the rate as a string.
  broken = await listen(createServer((req, res) => (req.url?.startsWith('/rate') ? res.writeHead(200, { 'content-type': 'application/json' }).end('{"from":"USD","to":"EUR","rate":"0.9"}') : res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>oops</h1>'))));
});
afterAll(async () => {
  await mounted.stop();
  await broken.stop();
});
const at = (name: 'webhooks' | 'payUrl' | 'rates' | 'wallets') => `http://127.0.0.1:${mounted.ports[name]}`;

function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'trigger', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

it('exits 0 for a conforming answer, 1 for one that breaks the spec, 2 for bad options; never prints a secret', async () => {
  const [good, bad, missing] = await Promise.all([
    cli(['requests.withdrawal.approve.node.2', '--to', at('webhooks'), '--webhook-secret', SECRETS.webhook, '--data', '{"id":"w-cli-1"}']),
    cli(['users.create', '--to', broken.url, '--webhook-secret', SECRETS.webhook]),
    cli(['users.create', '--to', at('webhooks')]),
  ]);
  expect({ status: good.status, stderr: good.stderr }).toEqual({ status: 0, stderr: '' });
  expect(good.stdout).toContain(`→ POST ${at('webhooks')}/`);
  expect(good.stdout).toContain('x-crm-signature: [redacted]');
  expect(good.stdout).toContain('"event":"crm.webhooks.requests.withdrawal.approve.node.2"');
  expect(good.stdout).toContain('"id":"w-cli-1"');
  expect(good.stdout).toMatch(/← 204 in \d+ ms/);
  expect(good.stdout).toContain('PASSED');
  expect(bad.status).toBe(1);
  expect(bad.stdout).toContain('← 500');
  expect(bad.stdout).toContain('FAILED: the answer breaks the spec:\n  - $: must be JSON (came a text/html body that is not JSON)');
  expect(missing).toMatchObject({ status: 2, stdout: '' });
  expect(missing.stderr).toContain('--webhook-secret: is required');
  for (const out of [good, bad, missing]) expect(out.stdout + out.stderr).not.toContain(SECRETS.webhook);
});

describe('in process', () => {
  const run = async (args: string[]) => {
    const lines: string[] = [];
    const status = await triggerCommand(args, { out: (line) => lines.push(line) });
    return { status, text: lines.join('\n') };
  };
  const cases: [readonly string[], 'payUrl' | 'rates' | 'wallets', RegExp][] = [
    [['pay-url', '--psp-token', SECRETS.payToken], 'payUrl', /→ POST .*\/pay\/url[\s\S]*crm-pay-token: \[redacted\][\s\S]*"sign":"\[redacted\]"[\s\S]*← 200/],
    [['rates', '--rates-key', SECRETS.ratesKey, '--param', 'to=GBP'], 'rates', /→ GET .*\/rate\?from=USD&to=GBP[\s\S]*key: \[redacted\][\s\S]*← 200/],
    [['wallet', 'list', '--wallets-key', SECRETS.walletKey], 'wallets', /→ POST .*\/wallets\n[\s\S]*signature: \[redacted\][\s\S]*← 200/],
    [['wallet', 'get', '--wallets-key', SECRETS.walletKey], 'wallets', /→ GET .*\/wallets\/getOne\?external_user_id=user_456&currency=USD[\s\S]*← 200/],
    [['wallet', 'credit', '--wallets-key', SECRETS.walletKey, '--body', '{"order_id":"cli-1","external_user_id":"u","currency":"USD","amount":1}'], 'wallets', /→ POST .*\/wallets\/credit[\s\S]*"order_id":"cli-1"[\s\S]*← 200/],
    [['wallet', 'debit', '--wallets-key', SECRETS.walletKey, '--body', '{"order_id":"cli-2","external_user_id":"u","currency":"USD","amount":1}'], 'wallets', /→ POST .*\/wallets\/debit[\s\S]*← 200[\s\S]*PASSED/],
  ];
  // Named without the secrets and bodies.
  it.each(cases.map((c) => [c[0].filter((a) => !Object.values(SECRETS).includes(a as never) && !a.startsWith('{')).join(' '), ...c] as const))('%s against the package handler: exit 0', async (_label, args, server, shown) => {
    const { status, text } = await run([...args, '--to', at(server)]);
    expect(text).toMatch(shown);
    expect(status).toBe(0);
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
  });

  it('exits 1 for a body that breaks the schema, and for no answer at all', async () => {
    const wrong = await run(['rates', '--rates-key', SECRETS.ratesKey, '--to', broken.url]);
    expect(wrong.status).toBe(1);
    expect(wrong.text).toMatch(/- \$\.rate: .*number/);
    const none = await run(['rates', '--rates-key', SECRETS.ratesKey, '--to', await refusedUrl()]);
    expect(none.status).toBe(1);
    expect(none.text).toMatch(/← no answer after \d+ ms: connection/);
  });

  it('refuses an unknown kind and a malformed option before sending', async () => {
    await expect(run(['users.delete', '--to', at('webhooks'), '--webhook-secret', 'x'])).rejects.toThrow('"users.delete" is neither a webhook event nor pay-url, rates or wallet list|get|credit|debit');
    await expect(run(['rates', '--to', at('rates'), '--rates-key', 'k', '--param', 'novalue'])).rejects.toThrow('--param novalue: must be NAME=VALUE');
    await expect(run(['pay-url', '--to', 'ftp://x', '--psp-token', 't'])).rejects.toThrow('--to must be an http(s) URL');
  });

  it('refuses credentials in --to, as check does, before sending', async () => {
    await expect(run(['users.create', '--to', `http://user:pw@127.0.0.1:${mounted.ports.webhooks}/`, '--webhook-secret', SECRETS.webhook])).rejects.toThrow(/^--to must not hold credentials$/);
    await expect(run(['users.create', '--to', `http://user:pw@127.0.0.1:${mounted.ports.webhooks}/`, '--webhook-secret', SECRETS.webhook, '--json'])).rejects.toThrow(/^--to must not hold credentials$/);
  });

  it('redacts a secret wherever it would be printed (the query of the URL), in the table and in --json', async () => {
    const to = `${at('rates')}/?key=${SECRETS.ratesKey}&again=${SECRETS.ratesKey}`;
    for (const json of [[], ['--json']]) {
      const { text } = await run(['rates', '--rates-key', SECRETS.ratesKey, '--to', to, ...json]);
      expect(text).not.toContain(SECRETS.ratesKey);
      expect(text).toContain('key=[redacted]&again=[redacted]');
    }
  });

  it.each([
    ['--psp-token', 'pay-url', 'hostile\nline'],
    ['--psp-token', 'pay-url', 'hostile\r\nx-injected: 1'],
    ['--rates-key', 'rates', 'nul\u0000key'],
    ['--webhook-secret', 'users.create', 'tab\tsecret'],
  ])('refuses %s with a control character, naming the option and not the value', async (option, what, secret) => {
    const run_ = run([what, '--to', at('webhooks'), option, secret]);
    await expect(run_).rejects.toThrow(new RegExp(`^${option}: must not contain control characters$`));
  });

  it('buildCrmCall names the secret with a control character in a TypeError', async () => {
    const build = buildCrmCall({ surface: 'psp', operation: 'getPaymentUrl', baseUrl: 'http://127.0.0.1:1', secrets: { crmPayToken: 'a\nb' } });
    await expect(build).rejects.toThrow(TypeError);
    await expect(build).rejects.toThrow(/^secrets\.crmPayToken: must not contain control characters$/);
  });
});
