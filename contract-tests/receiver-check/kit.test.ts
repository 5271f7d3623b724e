// The check kit proved both ways: the package's own four receivers (mounted with toNodeHandler) pass every
// case, and for each case a receiver that breaks exactly that rule fails exactly that case. Where a bug is
// natural (a larger body limit, a store that forgets, a key taken when missing) the broken receiver has it;
// where a bug can only be told by the bytes the kit sends (one byte changed, a signature over other
// parameters) the broken receiver recognises those bytes, made with the kit's own deterministic variations.
import { createHmac } from 'node:crypto';
import { nestsDeeperThan } from '../../src/core/body-limits';
import { sha1ParamsSignature } from '../../src/core/signatures/sha1-params';
import { checkReceiver } from '../../src/testing/receiver-check/check-receiver';
import { OTHER_ORDER_NO } from '../../src/testing/receiver-check/surfaces/psp';
import { OTHER_USER_ID } from '../../src/testing/receiver-check/surfaces/external-wallets';
import type { CheckReceiverOptions, KitSurface } from '../../src/testing/receiver-check/types';
import { WRONG_SECRET, tamperedBody } from '../../src/testing/receiver-check/variations';
import { buildCall, type CrmCall } from '../../src/testing/receiver-check/well-formed-call';
import { startFaultServer } from '../harness/fault-server';
import { CheckAbortedError } from '../../src/testing/receiver-check/types';
import { KIT_SECRETS, TEST_USER, forgetfulStore, ownHandlers, serve, type Fetch, type HandlerVariant } from './harness/receivers';

const options = (surface: KitSurface, url: string, more: Partial<CheckReceiverOptions> = {}): CheckReceiverOptions => ({
  surface,
  url,
  ...KIT_SECRETS,
  allowWrites: true,
  testUser: TEST_USER,
  pspSign: 'require',
  ...more,
});

/** Every case of each surface, in the order the kit runs them. */
const CASES: Record<KitSurface, string[]> = {
  webhooks: [
    'operation.receiveUserCreated',
    'operation.receiveWithdrawalApproved',
    'operation.receiveWithdrawalRejected',
    'operation.receivePropTradingApproved',
    'operation.receivePropTradingRejected',
    'operation.receivePropTradingLiveApproved',
    'operation.receivePropTradingLiveRejected',
    'operation.receiveTransferApproved',
    'operation.receiveTransferRejected',
    'operation.receiveKycApproved',
    'operation.receiveKycRejected',
    'auth.unsigned',
    'auth.wrong-secret',
    'auth.tampered-body',
    'auth.signed-other-bytes',
    'robust.malformed-json',
    'robust.wrong-content-type',
    'robust.oversize-body',
    'robust.deep-body',
    'once.repeat-delivery',
    'timing.within-timeout',
  ],
  psp: [
    'operation.getPaymentUrl',
    'auth.missing-token',
    'auth.wrong-token',
    'auth.unsigned',
    'auth.tampered-body',
    'auth.signed-other-bytes',
    'robust.malformed-json',
    'robust.wrong-content-type',
    'robust.oversize-body',
    'robust.deep-body',
    'once.same-order-twice',
    'timing.within-timeout',
  ],
  'exchange-rates': ['operation.getExternalRate', 'auth.missing-key', 'auth.wrong-key', 'robust.missing-parameter', 'robust.malformed-parameter', 'timing.within-timeout'],
  'external-wallets': [
    'operation.listExternalWallets',
    'operation.getExternalWallet',
    'operation.creditExternalWallet',
    'operation.debitExternalWallet',
    'auth.missing-key',
    'auth.wrong-key',
    'auth.unsigned',
    'auth.tampered-body',
    'auth.signed-other-bytes',
    'robust.malformed-json',
    'robust.wrong-content-type',
    'robust.oversize-body',
    'robust.deep-body',
    'once.order-id-repeat',
    'once.insufficient-funds',
    'once.too-many-decimals',
    'timing.within-timeout',
  ],
};
const MONEY_CASES = ['operation.creditExternalWallet', 'operation.debitExternalWallet', 'once.order-id-repeat', 'once.insufficient-funds', 'once.too-many-decimals'];

describe("the package's own receivers behind toNodeHandler", () => {
  it.each(Object.keys(CASES) as KitSurface[])('%s: pass every case of the kit', async (surface) => {
    const { handlers, wallets } = ownHandlers();
    const served = await serve(handlers[surface]);
    try {
      const report = await checkReceiver(options(surface, served.url));
      expect(report.results.map((r) => r.id)).toEqual(CASES[surface]);
      expect(report.results.filter((r) => r.verdict !== 'passed')).toEqual([]);
      expect(report).toMatchObject({ passed: true, summary: { passed: CASES[surface].length, failed: 0, skipped: 0 }, target: served.url, timeoutMs: 5000 });
      // Every credit the money cases made was taken back.
      expect(wallets.cents.get(`${TEST_USER}:USD`)).toBe(10_000);
    } finally {
      await served.stop();
    }
  });

  it('external-wallets without allowWrites: the money cases are skipped, saying why, and nothing moves', async () => {
    const { handlers, wallets } = ownHandlers();
    const served = await serve(handlers['external-wallets']);
    try {
      const report = await checkReceiver(options('external-wallets', served.url, { allowWrites: false }));
      const skipped = report.results.filter((r) => r.verdict === 'skipped');
      expect(skipped.map((r) => r.id)).toEqual(MONEY_CASES);
      for (const r of skipped) expect(r.reason).toMatch(/allowWrites \(--allow-writes\) and testUser \(--test-user\)/);
      expect(report).toMatchObject({ passed: true, summary: { failed: 0, skipped: MONEY_CASES.length } });
      expect(wallets.cents.get(`${TEST_USER}:USD`)).toBe(10_000);
    } finally {
      await served.stop();
    }
  });

  it("psp with the handler's default sign mode ('if-present'): the unsigned case is skipped, saying so", async () => {
    const served = await serve(ownHandlers({ pspSign: 'if-present' }).handlers.psp);
    try {
      const report = await checkReceiver(options('psp', served.url, { pspSign: 'if-present' }));
      expect(report.results.filter((r) => r.verdict !== 'passed').map((r) => [r.id, r.verdict, r.reason])).toEqual([['auth.unsigned', 'skipped', expect.stringContaining("pspSign 'if-present'")]]);
      expect(report.passed).toBe(true);
    } finally {
      await served.stop();
    }
  });
});

// ---- broken receivers ----------------------------------------------------------------------------------------

const ACCEPTED = () => new Response(null, { status: 204 });
const CRASHED = () => Response.json({ type: 'internal_error' }, { status: 500 });
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
/** The body's JSON object; undefined for one that is not JSON, or too deep for the signature helpers to render. */
const jsonOf = (bytes: Uint8Array): Record<string, unknown> | undefined => {
  if (nestsDeeperThan(bytes, 64)) return undefined;
  try {
    return JSON.parse(text(bytes)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};
const isJson = (bytes: Uint8Array) => {
  try {
    JSON.parse(text(bytes));
    return true;
  } catch {
    return false;
  }
};
const hmac = (secret: string, bytes: Uint8Array | string) => `sha256=${createHmac('sha256', secret).update(bytes).digest('hex')}`;
/** The bytes of the kit's well-formed call, one byte changed as the kit changes it. */
const tamperedCall = async (surface: KitSurface, call: CrmCall) => tamperedBody((await buildCall(surface, 'http://127.0.0.1:1', KIT_SECRETS, call)).body!);
const withoutSign = (body: Record<string, unknown>) => Object.fromEntries(Object.entries(body).filter(([key]) => key !== 'sign'));

interface Seen {
  request: Request;
  bytes: Uint8Array;
  path: string;
  /** The receiver it breaks, called with the request as received, or with changed headers or body. */
  forward: (change?: { headers?: Record<string, string>; body?: Uint8Array | string }) => Promise<Response>;
}

/** A receiver that answers `rule`'s response where it returns one, and is the good receiver otherwise. */
function breaking(good: Fetch, rule: (seen: Seen) => Promise<Response | undefined> | Response | undefined): Fetch {
  return async (request) => {
    const bytes = new Uint8Array(await request.arrayBuffer());
    const forward: Seen['forward'] = (change = {}) => {
      const headers = new Headers(request.headers);
      for (const [name, value] of Object.entries(change.headers ?? {})) headers.set(name, value);
      headers.delete('content-length');
      const body = change.body ?? bytes;
      return good(new Request(request.url, { method: request.method, headers, ...(request.method === 'GET' ? {} : { body }) }));
    };
    return (await rule({ request, bytes, path: new URL(request.url).pathname, forward })) ?? forward();
  };
}

/** The answer of the good receiver with its JSON body changed. */
async function reshaped(answer: Promise<Response>, change: (body: Record<string, unknown>) => Record<string, unknown>): Promise<Response> {
  const response = await answer;
  if (response.status !== 200) return response;
  return Response.json(change((await response.json()) as Record<string, unknown>), { status: 200 });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SLOW = { timeoutMs: 1000, giveUpMs: 20_000 };
const SLOW_BY_MS = 2500;

interface Broken {
  surface: KitSurface;
  breaks: string;
  how: string;
  variant?: HandlerVariant;
  kit?: Partial<CheckReceiverOptions>;
  rule?: (seen: Seen) => Promise<Response | undefined> | Response | undefined;
}

const event = (seen: Seen) => (jsonOf(seen.bytes)?.source as { event?: string } | undefined)?.event;
const deliveredOnce = new Set<string>();

/** The event slug each webhook operation's example carries (an approval names its node). */
const WEBHOOK_EVENTS = CASES.webhooks.filter((id) => id.startsWith('operation.')).map((id) => id.slice('operation.'.length));

const BROKEN: Broken[] = [
  // webhooks: one event not acknowledged, for each of the eleven
  ...WEBHOOK_EVENTS.map(
    (operationId): Broken => ({
      surface: 'webhooks',
      breaks: `operation.${operationId}`,
      how: `answers 404 to the ${operationId} event`,
      rule: async (s) => {
        const own = (await buildCall('webhooks', 'http://127.0.0.1:1', KIT_SECRETS, { operationId })).body!;
        return event(s) === (JSON.parse(own) as { source: { event: string } }).source.event ? Response.json({ type: 'unknown_event' }, { status: 404 }) : undefined;
      },
    }),
  ),
  { surface: 'webhooks', breaks: 'auth.unsigned', how: 'accepts a delivery without X-Crm-Signature', rule: (s) => (s.request.headers.get('x-crm-signature') ? undefined : ACCEPTED()) },
  { surface: 'webhooks', breaks: 'auth.wrong-secret', how: 'also accepts a signature under another secret', rule: (s) => (s.request.headers.get('x-crm-signature') === hmac(WRONG_SECRET, s.bytes) ? ACCEPTED() : undefined) },
  { surface: 'webhooks', breaks: 'auth.tampered-body', how: 'misses a one-byte change of a signed delivery', rule: async (s) => (text(s.bytes) === (await tamperedCall('webhooks', { operationId: 'receiveUserCreated' })) ? ACCEPTED() : undefined) },
  {
    surface: 'webhooks',
    breaks: 'auth.signed-other-bytes',
    how: 'checks the signature over the body re-serialised, not the bytes received',
    rule: (s) => {
      const value = jsonOf(s.bytes);
      const given = s.request.headers.get('x-crm-signature');
      return value && given !== hmac(KIT_SECRETS.webhookSecret, s.bytes) && given === hmac(KIT_SECRETS.webhookSecret, JSON.stringify(value)) ? ACCEPTED() : undefined;
    },
  },
  { surface: 'webhooks', breaks: 'robust.malformed-json', how: 'crashes (500) on a body that is not JSON', rule: (s) => (isJson(s.bytes) ? undefined : CRASHED()) },
  { surface: 'webhooks', breaks: 'robust.wrong-content-type', how: 'reads any content type as JSON', rule: (s) => (s.request.headers.get('content-type') === 'text/plain' ? s.forward({ headers: { 'content-type': 'application/json' } }) : undefined) },
  { surface: 'webhooks', breaks: 'robust.oversize-body', how: 'accepts bodies up to 8 MiB', variant: { webhookMaxBodyBytes: 8 * 1024 * 1024 } },
  { surface: 'webhooks', breaks: 'robust.deep-body', how: 'overflows its stack (500) on a deep body', rule: (s) => (nestsDeeperThan(s.bytes, 64) ? CRASHED() : undefined) },
  {
    surface: 'webhooks',
    breaks: 'once.repeat-delivery',
    how: 'answers 409 to a delivery it already acknowledged',
    rule: async (s) => {
      const key = `webhook:${text(s.bytes)}`;
      if (deliveredOnce.has(key)) return Response.json({ type: 'duplicate' }, { status: 409 });
      const answer = await s.forward();
      if (answer.ok) deliveredOnce.add(key);
      return answer;
    },
  },
  { surface: 'webhooks', breaks: 'timing.within-timeout', how: `takes ${SLOW_BY_MS} ms over a transfer approval (the CRM waits ${SLOW.timeoutMs} ms here)`, kit: SLOW, rule: async (s) => (event(s)?.startsWith('crm.webhooks.requests.transfer.approve') ? (await sleep(SLOW_BY_MS), undefined) : undefined) },

  // psp
  { surface: 'psp', breaks: 'operation.getPaymentUrl', how: 'answers data.url as a number', rule: (s) => reshaped(s.forward(), (body) => ({ ...body, data: { url: 42 } })) },
  { surface: 'psp', breaks: 'auth.missing-token', how: 'takes a missing crm-pay-token for the right one', rule: (s) => (s.request.headers.get('crm-pay-token') ? undefined : s.forward({ headers: { 'crm-pay-token': KIT_SECRETS.crmPayToken } })) },
  {
    surface: 'psp',
    breaks: 'auth.wrong-token',
    how: 'trusts any token whose sign verifies under that same token',
    rule: async (s) => {
      const token = s.request.headers.get('crm-pay-token');
      const body = jsonOf(s.bytes);
      return token && token !== KIT_SECRETS.crmPayToken && body && body.sign === (await sha1ParamsSignature(withoutSign(body), token)) ? ACCEPTED() : undefined;
    },
  },
  { surface: 'psp', breaks: 'auth.unsigned', how: "checks sign only when present (sign: 'if-present') while the kit is told it is required", variant: { pspSign: 'if-present' } },
  { surface: 'psp', breaks: 'auth.tampered-body', how: 'misses a one-byte change of a signed body', rule: async (s) => (text(s.bytes) === (await tamperedCall('psp', { operationId: 'getPaymentUrl' })) ? ACCEPTED() : undefined) },
  {
    surface: 'psp',
    breaks: 'auth.signed-other-bytes',
    how: "accepts a sign over another payment's parameters",
    rule: async (s) => {
      const body = jsonOf(s.bytes);
      return body && body.sign === (await sha1ParamsSignature({ ...withoutSign(body), order_no: OTHER_ORDER_NO }, KIT_SECRETS.crmPayToken)) ? ACCEPTED() : undefined;
    },
  },
  { surface: 'psp', breaks: 'robust.malformed-json', how: 'crashes (500) on a body that is not JSON', rule: (s) => (isJson(s.bytes) ? undefined : CRASHED()) },
  { surface: 'psp', breaks: 'robust.wrong-content-type', how: 'reads any content type as JSON', rule: (s) => (s.request.headers.get('content-type') === 'text/plain' ? s.forward({ headers: { 'content-type': 'application/json' } }) : undefined) },
  { surface: 'psp', breaks: 'robust.oversize-body', how: 'runs out of memory (500) on a body over 1 MiB', rule: (s) => (s.bytes.byteLength > 1024 * 1024 ? CRASHED() : undefined) },
  { surface: 'psp', breaks: 'robust.deep-body', how: 'overflows its stack (500) on a deep body', rule: (s) => (nestsDeeperThan(s.bytes, 64) ? CRASHED() : undefined) },
  {
    surface: 'psp',
    breaks: 'once.same-order-twice',
    how: 'answers result false to a second request for an order_no',
    rule: async (s) => {
      const order = `psp:${String(jsonOf(s.bytes)?.order_no)}`;
      const answer = await s.forward();
      if (answer.status !== 200) return answer;
      if (deliveredOnce.has(order)) return Response.json({ data: null, result: false, msg: 'order already has a page' }, { status: 200 });
      deliveredOnce.add(order);
      return answer;
    },
  },
  { surface: 'psp', breaks: 'timing.within-timeout', how: `takes ${SLOW_BY_MS} ms over a body that is not JSON`, kit: SLOW, rule: async (s) => (isJson(s.bytes) ? undefined : (await sleep(SLOW_BY_MS), undefined)) },

  // exchange-rates
  { surface: 'exchange-rates', breaks: 'operation.getExternalRate', how: 'answers the rate as a string', rule: (s) => reshaped(s.forward(), (body) => ({ ...body, rate: String(body.rate) })) },
  { surface: 'exchange-rates', breaks: 'auth.missing-key', how: 'takes a missing key for the right one', rule: (s) => (s.request.headers.get('key') ? undefined : s.forward({ headers: { key: KIT_SECRETS.ratesKey } })) },
  { surface: 'exchange-rates', breaks: 'auth.wrong-key', how: 'accepts any key that is not empty', rule: (s) => (s.request.headers.get('key') ? s.forward({ headers: { key: KIT_SECRETS.ratesKey } }) : undefined) },
  { surface: 'exchange-rates', breaks: 'robust.missing-parameter', how: 'crashes (500) without `to`', rule: (s) => (new URL(s.request.url).searchParams.has('to') ? undefined : CRASHED()) },
  { surface: 'exchange-rates', breaks: 'robust.malformed-parameter', how: 'crashes (500) on a currency that is not a code', rule: (s) => (/^[A-Z]{3}$/.test(new URL(s.request.url).searchParams.get('from') ?? 'USD') ? undefined : CRASHED()) },
  { surface: 'exchange-rates', breaks: 'timing.within-timeout', how: `takes ${SLOW_BY_MS} ms over a missing key`, kit: SLOW, rule: async (s) => (s.request.headers.get('key') ? undefined : (await sleep(SLOW_BY_MS), undefined)) },

  // external-wallets
  { surface: 'external-wallets', breaks: 'operation.listExternalWallets', how: 'answers count as a string', rule: (s) => (s.path === '/wallets' ? reshaped(s.forward(), (body) => ({ ...body, count: String(body.count) })) : undefined) },
  { surface: 'external-wallets', breaks: 'operation.getExternalWallet', how: 'answers a wallet without its id', rule: (s) => (s.path === '/wallets/getOne' ? reshaped(s.forward(), ({ id: _id, ...wallet }) => wallet) : undefined) },
  { surface: 'external-wallets', breaks: 'operation.creditExternalWallet', how: 'answers a credit with the wallet without its id', rule: (s) => (s.path === '/wallets/credit' ? reshaped(s.forward(), ({ id: _id, ...wallet }) => wallet) : undefined) },
  { surface: 'external-wallets', breaks: 'operation.debitExternalWallet', how: 'answers a debit with the wallet without its id', rule: (s) => (s.path === '/wallets/debit' ? reshaped(s.forward(), ({ id: _id, ...wallet }) => wallet) : undefined) },
  { surface: 'external-wallets', breaks: 'auth.missing-key', how: 'takes a missing key for the right one', rule: (s) => (s.request.headers.get('key') ? undefined : s.forward({ headers: { key: KIT_SECRETS.walletsKey } })) },
  {
    surface: 'external-wallets',
    breaks: 'auth.wrong-key',
    how: 'trusts any key whose signature verifies under that same key',
    rule: async (s) => {
      const key = s.request.headers.get('key');
      if (!key || key === KIT_SECRETS.walletsKey) return undefined;
      const body = jsonOf(s.bytes);
      if (s.request.method === 'POST' && (!body || s.request.headers.get('signature') !== (await sha1ParamsSignature(body, key)))) return undefined;
      return s.forward({ headers: { key: KIT_SECRETS.walletsKey, ...(body ? { signature: await sha1ParamsSignature(body, KIT_SECRETS.walletsKey) } : {}) } });
    },
  },
  {
    surface: 'external-wallets',
    breaks: 'auth.unsigned',
    how: 'checks the signature only when one is sent',
    rule: async (s) => {
      const body = jsonOf(s.bytes);
      return s.request.method === 'POST' && body && !s.request.headers.get('signature') ? s.forward({ headers: { signature: await sha1ParamsSignature(body, KIT_SECRETS.walletsKey) } }) : undefined;
    },
  },
  {
    surface: 'external-wallets',
    breaks: 'auth.tampered-body',
    how: 'misses a one-byte change of a signed body',
    rule: async (s) => (text(s.bytes) === (await tamperedCall('external-wallets', { operationId: 'listExternalWallets', body: { external_user_id: [TEST_USER] } })) ? Response.json({ data: [], count: 0 }) : undefined),
  },
  {
    surface: 'external-wallets',
    breaks: 'auth.signed-other-bytes',
    how: "accepts a signature over another request's parameters",
    rule: async (s) => {
      const body = jsonOf(s.bytes);
      return body && s.request.headers.get('signature') === (await sha1ParamsSignature({ ...body, external_user_id: [OTHER_USER_ID] }, KIT_SECRETS.walletsKey)) ? Response.json({ data: [], count: 0 }) : undefined;
    },
  },
  { surface: 'external-wallets', breaks: 'robust.malformed-json', how: 'crashes (500) on a body that is not JSON', rule: (s) => (s.request.method === 'POST' && !isJson(s.bytes) ? CRASHED() : undefined) },
  { surface: 'external-wallets', breaks: 'robust.wrong-content-type', how: 'reads any content type as JSON', rule: (s) => (s.request.headers.get('content-type') === 'text/plain' ? s.forward({ headers: { 'content-type': 'application/json' } }) : undefined) },
  { surface: 'external-wallets', breaks: 'robust.oversize-body', how: 'runs out of memory (500) on a body over 1 MiB', rule: (s) => (s.bytes.byteLength > 1024 * 1024 ? CRASHED() : undefined) },
  { surface: 'external-wallets', breaks: 'robust.deep-body', how: 'overflows its stack (500) on a deep body', rule: (s) => (nestsDeeperThan(s.bytes, 64) ? CRASHED() : undefined) },
  { surface: 'external-wallets', breaks: 'once.order-id-repeat', how: 'forgets order_ids (its store never remembers): a repeat credits again', variant: { walletDedupe: forgetfulStore } },
  { surface: 'external-wallets', breaks: 'once.insufficient-funds', how: 'debits past the balance', variant: { debitIgnoresBalance: true } },
  {
    surface: 'external-wallets',
    breaks: 'once.too-many-decimals',
    how: 'rounds an amount with too many decimal places up, and credits it',
    rule: async (s) => {
      const body = jsonOf(s.bytes);
      if (s.path !== '/wallets/credit' || !body || Math.round((body.amount as number) * 100) === (body.amount as number) * 100) return undefined;
      const rounded = { ...body, amount: Math.ceil((body.amount as number) * 100) / 100 };
      return s.forward({ body: JSON.stringify(rounded), headers: { signature: await sha1ParamsSignature(rounded, KIT_SECRETS.walletsKey) } });
    },
  },
  { surface: 'external-wallets', breaks: 'timing.within-timeout', how: `takes ${SLOW_BY_MS} ms over a body that is not JSON`, kit: SLOW, rule: async (s) => (s.request.method === 'POST' && !isJson(s.bytes) ? (await sleep(SLOW_BY_MS), undefined) : undefined) },
];

describe('a receiver that breaks exactly one rule fails exactly that case', () => {
  afterEach(() => deliveredOnce.clear());

  it('the table covers every case of every surface', () => {
    for (const surface of Object.keys(CASES) as KitSurface[]) expect(BROKEN.filter((b) => b.surface === surface).map((b) => b.breaks).sort()).toEqual([...CASES[surface]].sort());
  });

  it.each(BROKEN.map((b) => [b.surface, b.breaks, b.how, b] as const))('%s, %s: %s', async (surface, breaks, _how, broken) => {
    const good = ownHandlers(broken.variant).handlers[surface];
    const served = await serve(broken.rule ? breaking(good, broken.rule) : good);
    try {
      const report = await checkReceiver(options(surface, served.url, broken.kit));
      const failed = report.results.filter((r) => r.verdict === 'failed');
      expect(failed.map((r) => r.id)).toEqual([breaks]);
      expect(failed[0]!.reason).toEqual(expect.any(String));
      // Accepting what the CRM never sends is the most serious failure.
      expect(failed[0]!.severity).toBe(breaks.startsWith('auth.') ? 'critical' : undefined);
      // The repeat of a delivery is judged only once the first was acknowledged.
      expect(report.results.filter((r) => r.verdict === 'skipped').map((r) => r.id)).toEqual(breaks === 'operation.receiveWithdrawalRejected' ? ['once.repeat-delivery'] : []);
      expect(report.passed).toBe(false);
    } finally {
      await served.stop();
    }
  }, 30_000);
});

describe('no case passes on a server that does not answer', () => {
  it.each(Object.keys(CASES) as KitSurface[])('%s against a closed port: every case that runs fails', async (surface) => {
    const served = await serve(ownHandlers().handlers[surface]);
    await served.stop();
    const report = await checkReceiver(options(surface, served.url));
    expect(report.results.map((r) => [r.id, r.verdict])).toEqual(CASES[surface].map((id) => [id, 'failed']));
    for (const r of report.results) expect(r.reason).toMatch(/no answer/);
    expect(report.passed).toBe(false);
  });

  it.each(Object.keys(CASES) as KitSurface[])('%s against a server that never answers: one call waits, every case fails naming the first', async (surface) => {
    const silent = await startFaultServer({ fault: 'stall' });
    try {
      const report = await checkReceiver(options(surface, silent.url, { timeoutMs: 50, giveUpMs: 100 }));
      expect(report.results.map((r) => [r.id, r.verdict])).toEqual(CASES[surface].map((id) => [id, 'failed']));
      // Only the first call went out; the rest were not sent (each would have waited giveUpMs again).
      expect(silent.received).toHaveLength(1);
      const first = CASES[surface][0]!;
      expect(report.results[0]!.reason).toMatch(/^no answer: no answer within 100 ms/);
      for (const r of report.results.slice(1, -1)) expect(r.reason).toContain(`no answer: not sent, the server did not answer ${first} within 100 ms`);
      expect(report.results.at(-1)!.reason).toBe('no answer came to any call');
      expect(report.passed).toBe(false);
    } finally {
      await silent.stop();
    }
  });
});

describe('options refused before anything is sent', () => {
  it.each([
    [{ crmPayToken: 'kit-token\r\nx-injected: 1' }, 'psp', 'crmPayToken: must not contain control characters'],
    [{ webhookSecret: 'kit-secret\u0000' }, 'webhooks', 'webhookSecret: must not contain control characters'],
    [{ walletsKey: 'kit-wallets-kéy' }, 'external-wallets', 'walletsKey: must be visible ASCII (it is sent as a header)'],
  ] as const)('%j', async (secrets, surface, message) => {
    const run = checkReceiver(options(surface, 'http://127.0.0.1:1', secrets));
    await expect(run).rejects.toThrow(CheckAbortedError);
    await expect(run).rejects.toThrow(new RegExp(`^${message.replace(/[()]/g, '\\$&')}$`));
  });

  it('a URL with credentials', async () => {
    await expect(checkReceiver(options('webhooks', 'http://user:pw@127.0.0.1:1/'))).rejects.toThrow('url must not hold credentials');
  });
});
