// `crm-open-api sandbox` with the outward flags, spawned: each call it makes goes to the server its flag names,
// as the spec describes it, and is recorded with a conforming verdict (GET /__sandbox/calls); a URL without its
// secret is refused before starting. The CRM's PSP callback it serves refuses hostile bodies with a documented
// 400 and keeps serving.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadApi } from '../../scripts/lib/api-spec';
import { SECRETS, useMountedReceivers } from '../harness/hostile-receivers';

const CLI = join(__dirname, '..', '..', 'src', 'cli', 'index.ts');
const JSON_BODY = { 'content-type': 'application/json' };
const mounted = useMountedReceivers();
const at = mounted.url;

function run(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'sandbox', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = /base URL : (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (found && output.includes('Press Ctrl+C')) resolve(found[1]!);
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', () => reject(new Error(`the sandbox exited:\n${output}`)));
  });
  return { child, exited, url, output: () => output };
}

it('calls each configured server as the CRM does, records every call with its verdict, and serves the PSP callback robustly', async () => {
  const sandbox = run(['--webhook-url', `${at('webhooks')}/hooks`, '--webhook-secret', SECRETS.webhook, '--psp-url', at('payUrl'), '--psp-token', SECRETS.payToken, '--rates-url', at('rates'), '--rates-key', SECRETS.ratesKey, '--wallets-url', at('wallets'), '--wallets-key', SECRETS.walletKey]);
  try {
    const url = await sandbox.url;
    expect(sandbox.output()).toContain(`CRM_Callback_URL for your integration: ${url}/api/psp`);
    const control = (route: string, body?: unknown) => fetch(`${url}/__sandbox/${route}`, { method: body === undefined ? 'GET' : 'POST', headers: body === undefined ? {} : JSON_BODY, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any })); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect((await control('webhooks', { event: 'requests.withdrawal.reject' })).status).toBe(201);
    expect((await control('psp/deposits', { user_id: '3fA9kQ2z', amount: 5, currency: 'USD', wallet_currency: 'EUR' })).status).toBe(201);
    expect((await control('external-wallets/sync', { external_user_id: 'u-1' })).status).toBe(200);
    expect((await control('external-wallets/transfer', { external_user_id: 'u-1', currency: 'USD', amount: 0.01, direction: 'credit' })).status).toBe(201);
    const calls = (await control('calls')).body as { operation: string; request: { url: string }; verdict: { ok: boolean } }[];
    expect(calls.map((c) => [c.operation, c.verdict.ok])).toEqual([
      ['receiveWithdrawalRejected', true], ['getExternalRate', true], ['getPaymentUrl', true], ['listExternalWallets', true], ['getExternalWallet', true], ['creditExternalWallet', true],
    ]);
    expect(calls.map((c) => new URL(c.request.url).origin)).toEqual([at('webhooks'), at('rates'), at('payUrl'), at('wallets'), at('wallets'), at('wallets')]);
    expect(mounted.receivers.calls.webhook).toEqual(['crm.webhooks.requests.withdrawal.reject:"w8k2m4q2"']);
    expect(mounted.receivers.calls.credit).toHaveLength(1);

    const callback = `${url}/api/psp/pay/callback`;
    const psp = loadApi('psp');
    for (const [body, type] of [['not json', 'application/json'], ['[1,2]', 'application/json'], ['{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000), 'application/json'], ['{}', 'text/plain']] as const) {
      const answer = await fetch(callback, { method: 'POST', headers: { 'content-type': type, 'crm-pay-token': SECRETS.payToken }, body });
      expect(answer.status).toBe(400);
      expect(psp.responseSchemaErrors('reportPaymentResult', 400, await answer.json())).toEqual([]);
    }
    expect((await fetch(callback, { method: 'POST', headers: JSON_BODY, body: '{}' })).status).toBe(400);
    expect((await control('state')).status).toBe(200);
    expect(sandbox.output()).not.toMatch(new RegExp(Object.values(SECRETS).join('|')));
  } finally {
    sandbox.child.kill('SIGTERM');
    await sandbox.exited;
  }
}, 30_000);

it('refuses a server URL without its secret, naming both flags', async () => {
  const sandbox = run(['--rates-url', 'http://127.0.0.1:1/rates']);
  await expect(sandbox.url).rejects.toThrow('--rates-url and --rates-key go together');
  expect(await sandbox.exited).toBe(2);
});
