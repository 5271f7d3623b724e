// The CRM's calls to the tenant (src/testing/crm-calls/): every operation of the four surfaces, built from the
// spec's examples and signed as the CRM signs, checked with independent signatures and the spec's request
// schemas, answered by the package's own handlers (mounted with toNodeHandler) with answers judged conforming;
// and the judge, the bounds and the redaction each shown failing where they must.
import { createServer } from 'node:http';
import { buildCrmCall, CRM_SURFACES, judgeAnswer, recordCrmCall, sendCrmCall, surfaceOperations, webhookEventNames, type CrmCallSecrets, type CrmSurface } from '../../src/testing/crm-calls';
import { listen, type Listening } from '../../src/testing/http-host';
import { SECRETS, useMountedReceivers, webhookSignature } from '../harness/hostile-receivers';
import { referenceSha1Signature } from '../harness/reference-signature';
import { loadApi } from '../../scripts/lib/api-spec';

const secrets: CrmCallSecrets = { webhookSecret: SECRETS.webhook, crmPayToken: SECRETS.payToken, ratesKey: SECRETS.ratesKey, walletsKey: SECRETS.walletKey };
const bundleOf: Record<CrmSurface, string> = { webhooks: 'crm-webhooks', psp: 'psp', 'exchange-rates': 'exchange-rates', 'external-wallets': 'external-wallets' };
const portOf = { webhooks: 'webhooks', psp: 'payUrl', 'exchange-rates': 'rates', 'external-wallets': 'wallets' } as const;

const mounted = useMountedReceivers();
const baseOf = (surface: CrmSurface) => mounted.url(portOf[surface]);

describe('every call the spec describes', () => {
  it('lists the 11 webhook events and the PSP, rate and wallet operations', () => {
    expect(webhookEventNames()).toHaveLength(11);
    expect(surfaceOperations('psp').map((op) => op.id)).toEqual(['getPaymentUrl']);
    expect(surfaceOperations('exchange-rates').map((op) => op.id)).toEqual(['getExternalRate']);
    expect(surfaceOperations('external-wallets').map((op) => op.id)).toEqual(['listExternalWallets', 'getExternalWallet', 'creditExternalWallet', 'debitExternalWallet']);
  });

  const cases = CRM_SURFACES.flatMap((surface) => surfaceOperations(surface).map((op) => [surface, op.id] as const));
  it.each(cases)('%s %s: sent as the spec says, answered conforming by the package handler', async (surface, id) => {
    const request = await buildCrmCall({ surface, operation: id, baseUrl: baseOf(surface), secrets });
    const api = loadApi(bundleOf[surface]);
    const op = api.operationById(id);
    expect(request.method).toBe(op.method);
    const url = new URL(request.url);
    if (surface !== 'webhooks') expect(url.pathname).toBe(op.path);
    const body = request.body === undefined ? undefined : JSON.parse(request.body);
    if (body !== undefined) expect(api.requestSchemaErrors(id, body)).toEqual([]);
    if (surface === 'webhooks') expect(request.headers['x-crm-signature']).toBe(`sha256=${webhookSignature(request.body!)}`);
    if (surface === 'psp') {
      expect(request.headers['crm-pay-token']).toBe(SECRETS.payToken);
      expect(body.sign).toBe(referenceSha1Signature(body, SECRETS.payToken));
    }
    if (surface === 'exchange-rates') expect(request.headers.key).toBe(SECRETS.ratesKey);
    if (surface === 'external-wallets') {
      expect(request.headers.key).toBe(SECRETS.walletKey);
      if (request.method === 'POST') expect(request.headers.signature).toBe(referenceSha1Signature(body, SECRETS.walletKey));
      else expect(request.headers.signature).toBeUndefined();
    }
    const outcome = await sendCrmCall(request);
    expect(outcome.error).toBeUndefined();
    const verdict = judgeAnswer(surface, id, outcome.answer!);
    expect(verdict).toEqual({ ok: true, problems: [] });
    // The package's handlers accept every correctly signed example (a wallet debit of the credit's order_id excepted: order_exists).
    if (id !== 'debitExternalWallet') expect(outcome.answer!.status).toBeLessThan(300);
  });

  it('sends an approval for the node its name gives, and the event name with or without its prefix', async () => {
    const at = (operation: string) => buildCrmCall({ surface: 'webhooks', operation, baseUrl: baseOf('webhooks'), secrets }).then((r) => JSON.parse(r.body!).source.event);
    await expect(at('requests.withdrawal.approve.node.3')).resolves.toBe('crm.webhooks.requests.withdrawal.approve.node.3');
    await expect(at('crm.webhooks.users.create')).resolves.toBe('crm.webhooks.users.create');
    await expect(at('requests.kyc.reject')).resolves.toBe('crm.webhooks.requests.kyc.reject');
    await expect(buildCrmCall({ surface: 'webhooks', operation: 'users.delete', baseUrl: baseOf('webhooks'), secrets })).rejects.toThrow(/users\.delete.*not a webhooks call/);
    await expect(buildCrmCall({ surface: 'psp', operation: 'getPaymentUrl', baseUrl: baseOf('psp'), secrets: {} })).rejects.toThrow('secrets.crmPayToken: is required');
  });
});

describe('the judge', () => {
  const answer = (status: number, body: unknown, type = 'application/json') => ({ status, headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  it('passes a documented answer and names what breaks the spec', () => {
    expect(judgeAnswer('exchange-rates', 'getExternalRate', answer(200, { from: 'USD', to: 'EUR', rate: 0.92 })).ok).toBe(true);
    expect(judgeAnswer('exchange-rates', 'getExternalRate', answer(200, { from: 'USD', to: 'EUR', rate: '0.92' }))).toEqual({ ok: false, problems: [expect.stringMatching(/^\$\.rate: .*number/)] });
    expect(judgeAnswer('exchange-rates', 'getExternalRate', answer(418, {})).problems).toEqual([expect.stringMatching(/status 418 is not documented .*200/)]);
    expect(judgeAnswer('psp', 'getPaymentUrl', answer(200, '<html>', 'text/html')).problems).toEqual(['$: must be JSON (came a text/html body that is not JSON)']);
    expect(judgeAnswer('external-wallets', 'getExternalWallet', answer(200, '')).ok).toBe(false);
    // Any 2xx is a delivered webhook; a refusal must say why in the documented shape.
    expect(judgeAnswer('webhooks', 'users.create', answer(200, 'ok', 'text/plain')).ok).toBe(true);
    expect(judgeAnswer('webhooks', 'users.create', answer(401, { type: 'invalid_signature' })).ok).toBe(true);
    expect(judgeAnswer('webhooks', 'users.create', answer(500, 'Internal Server Error', 'text/plain')).ok).toBe(false);
  });
});

describe('sending', () => {
  let server: Listening;
  const behaviours: Record<string, (res: import('node:http').ServerResponse) => void> = {
    '/redirect': (res) => res.writeHead(302, { location: 'http://127.0.0.1:1/stolen' }).end(),
    '/huge': (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ pad: 'x'.repeat(4096) })),
    '/silent': () => undefined,
    '/drop': (res) => res.socket?.destroy(),
  };
  beforeAll(async () => {
    server = await listen(createServer((req, res) => behaviours[new URL(req.url!, 'http://x').pathname.replace(/\/rate$/, '')]!(res)));
  });
  afterAll(() => server.stop());

  const call = (path: string) => buildCrmCall({ surface: 'exchange-rates', operation: 'getExternalRate', baseUrl: `${server.url}${path}`, secrets });
  it('never follows a redirect, bounds the answer in size and time, and names a dropped connection', async () => {
    const redirected = await sendCrmCall(await call('/redirect'));
    expect(redirected.answer?.status).toBe(302);
    expect(judgeAnswer('exchange-rates', 'getExternalRate', redirected.answer!).ok).toBe(false);
    await expect(sendCrmCall(await call('/huge'), { maxAnswerBytes: 1024 })).resolves.toMatchObject({ error: 'too-large' });
    await expect(sendCrmCall(await call('/silent'), { timeoutMs: 200 })).resolves.toMatchObject({ error: 'timeout' });
    await expect(sendCrmCall(await call('/drop'))).resolves.toMatchObject({ error: 'connection' });
  });
});

describe('the record', () => {
  it('redacts every secret the call carries, and judges a call without an answer a failure', async () => {
    for (const [surface, operation] of [['webhooks', 'users.create'], ['psp', 'getPaymentUrl'], ['exchange-rates', 'getExternalRate'], ['external-wallets', 'creditExternalWallet']] as const) {
      const request = await buildCrmCall({ surface, operation, baseUrl: 'http://127.0.0.1:9', secrets });
      const record = recordCrmCall(1, request, { error: 'connection', durationMs: 1 });
      const text = JSON.stringify(record);
      for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
      for (const header of ['x-crm-signature', 'signature', 'crm-pay-token', 'key']) if (header in request.headers) expect(record.request.headers[header]).toBe('[redacted]');
      if (surface === 'psp') expect(JSON.parse(record.request.body!).sign).toBe('[redacted]');
      expect(record.verdict).toEqual({ ok: false, problems: [expect.stringMatching(/^no answer: connection/)] });
    }
  });
});
