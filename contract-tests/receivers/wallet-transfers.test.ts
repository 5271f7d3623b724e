// External-wallet credit and debit: routed to the tenant's callbacks only after `key` and `signature` check
// out and the body validates; once per `order_id` (a repeat gets 422 order_exists, never a second movement);
// a failing or slow callback answers 503 and frees the order, so the CRM's retry applies it once.
import { createExternalWalletHandler, type ExternalWallet, type ExternalWalletTransfer } from '../../src/receivers/external-wallets';
import { sha1ParamsSignature } from '../../src/core/signatures/sha1-params';
import { expectDocumentedResponse } from '../harness/handler-answers';
import { registerSecret } from '../harness/output-scan';
import { loadApi } from '../harness/spec';

const api = loadApi('external-wallets');
const KEY = 'transfer-wallet-key-1';
registerSecret(KEY);

function bank() {
  const balances = new Map<string, number>([['user_456/USD', 1000]]);
  const applied: string[] = [];
  let failNext = 0;
  let stallNext = false;
  const wallet = (t: ExternalWalletTransfer, amount: number): ExternalWallet => ({ id: 'wallet_123', external_user_id: t.external_user_id, currency: t.currency, amount, decimals: 2 });
  const move = (sign: 1 | -1) => async (t: ExternalWalletTransfer, { signal }: { signal: AbortSignal }) => {
    if (stallNext) {
      stallNext = false;
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      throw signal.reason;
    }
    if (failNext > 0) {
      failNext -= 1;
      throw new Error('ledger down');
    }
    const key = `${t.external_user_id}/${t.currency}`;
    const balance = balances.get(key);
    if (balance === undefined) return 'wallet_not_found' as const;
    if (sign < 0 && balance < t.amount) return 'insufficient_funds' as const;
    const after = Math.round((balance + sign * t.amount) * 100) / 100;
    balances.set(key, after);
    applied.push(`${sign > 0 ? 'credit' : 'debit'} ${t.order_id}`);
    return wallet(t, after);
  };
  const reports: unknown[] = [];
  const handler = createExternalWalletHandler({
    apiKey: KEY,
    listWallets: () => ({ data: [], count: 0 }),
    getWallet: () => undefined,
    credit: move(1),
    debit: move(-1),
    timeoutMs: 50,
    onError: (error, context) => reports.push([(error as Error).name, context]),
  });
  return { handler, applied, balances, reports, failOnce: () => (failNext = 1), stallOnce: () => (stallNext = true) };
}

const send = async (handler: (r: Request) => Promise<Response>, kind: 'credit' | 'debit', body: Record<string, unknown>, signature?: string) =>
  handler(
    new Request(`https://wallets.test/wallets/${kind}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', key: KEY, signature: signature ?? (await sha1ParamsSignature(body, KEY)) },
      body: JSON.stringify(body),
    }),
  );
const transfer = (order_id: string, amount = 25.5, external_user_id = 'user_456') => ({ order_id, external_user_id, currency: 'USD', amount });

it('credits and debits through the callbacks, answering the wallet after the transfer', async () => {
  const { handler, balances } = bank();
  expect(await expectDocumentedResponse(api, 'creditExternalWallet', await send(handler, 'credit', transfer('tr-1')), 200)).toMatchObject({ amount: 1025.5 });
  expect(await expectDocumentedResponse(api, 'debitExternalWallet', await send(handler, 'debit', transfer('tr-2', 5.5)), 200)).toMatchObject({ amount: 1020 });
  expect(balances.get('user_456/USD')).toBe(1020);
});

it('a repeated order_id gets 422 order_exists and moves nothing again', async () => {
  const { handler, applied } = bank();
  await send(handler, 'credit', transfer('tr-rep'));
  const repeat = await send(handler, 'credit', transfer('tr-rep'));
  expect(await expectDocumentedResponse(api, 'creditExternalWallet', repeat, 422)).toEqual({ type: 'order_exists' });
  expect(applied).toEqual(['credit tr-rep']);
});

it('checks key and signature, then the body, before any callback runs', async () => {
  const { handler, applied } = bank();
  const body = transfer('tr-sig');
  expect((await send(handler, 'credit', body, await sha1ParamsSignature({ ...body, amount: 99 }, KEY))).status).toBe(401);
  expect(await expectDocumentedResponse(api, 'creditExternalWallet', await send(handler, 'credit', { ...body, amount: -1 }), 400)).toMatchObject({ type: 'invalid_request', message: expect.stringMatching(/amount/) });
  expect(applied).toEqual([]);
});

it('a failing or timed-out callback answers 503 (reported) and frees the order: the retry applies once', async () => {
  const b = bank();
  b.failOnce();
  expect(await expectDocumentedResponse(api, 'debitExternalWallet', await send(b.handler, 'debit', transfer('tr-fail', 10)), 503)).toEqual({ type: 'wallet_unavailable' });
  b.stallOnce();
  expect((await send(b.handler, 'debit', transfer('tr-fail', 10))).status).toBe(503);
  expect((await send(b.handler, 'debit', transfer('tr-fail', 10))).status).toBe(200);
  expect((await send(b.handler, 'debit', transfer('tr-fail', 10))).status).toBe(422);
  expect(b.applied).toEqual(['debit tr-fail']);
  expect(b.reports).toEqual([
    ['Error', { receiver: 'external-wallets', step: 'debit', key: 'tr-fail' }],
    ['DeadlineExceededError', { receiver: 'external-wallets', step: 'debit-timeout', key: 'tr-fail' }],
  ]);
});

it('a callback that moves the money after its deadline: 503, the retry meanwhile 503, then order_exists; applied once', async () => {
  let finish!: () => void;
  const late = new Promise<void>((resolve) => (finish = resolve));
  let applied = 0;
  const handler = createExternalWalletHandler({
    apiKey: KEY,
    listWallets: () => ({ data: [], count: 0 }),
    getWallet: () => undefined,
    timeoutMs: 20,
    onError: () => undefined,
    credit: async (t) => {
      await late; // ignores its signal, like a slow ledger commit
      applied += 1;
      return { id: 'wallet_123', external_user_id: t.external_user_id, currency: t.currency, amount: 1, decimals: 2 };
    },
  });
  expect((await send(handler, 'credit', transfer('tr-late', 1))).status).toBe(503);
  expect((await send(handler, 'credit', transfer('tr-late', 1))).status).toBe(503); // still claimed, not re-run
  finish();
  await new Promise((resolve) => setTimeout(resolve, 5));
  expect((await send(handler, 'credit', transfer('tr-late', 1))).status).toBe(422);
  expect(applied).toBe(1);
});

it('insufficient funds (409) and an unknown wallet (404) move nothing and leave the order free', async () => {
  const { handler, applied } = bank();
  expect(await expectDocumentedResponse(api, 'debitExternalWallet', await send(handler, 'debit', transfer('tr-big', 5000)), 409)).toEqual({ type: 'insufficient_funds' });
  expect(await expectDocumentedResponse(api, 'creditExternalWallet', await send(handler, 'credit', transfer('tr-nobody', 1, 'user_000')), 404)).toEqual({ type: 'wallet_not_found' });
  expect((await send(handler, 'debit', transfer('tr-big', 50))).status).toBe(200);
  expect(applied).toEqual(['debit tr-big']);
});

it('concurrent repeats of one order_id: one applies, the others get 503 (in progress) or 422, never a second movement', async () => {
  const { handler, applied } = bank();
  const answers = await Promise.all(Array.from({ length: 20 }, () => send(handler, 'credit', transfer('tr-race', 1)).then((r) => r.status)));
  expect(applied).toEqual(['credit tr-race']);
  expect(answers.filter((s) => s === 200)).toHaveLength(1);
  expect(answers.every((s) => [200, 422, 503].includes(s))).toBe(true);
});
