// What the sandbox does as the CRM towards the tenant's servers, on a control call or a JS method: fire any
// webhook event, ask the PSP for a payment page (and the rate API for a rate when the currencies differ), ask
// for a rate, read the tenant's external wallets, send a credit or debit. Every input is checked first (a
// RangeError or TypeError names the field and the rule: a 400), and every call is recorded (outward-calls.ts).
import type { CrmCallRecord } from '../crm-calls';
import { resolveOperation, webhookBody } from '../crm-calls';
import { isPlainObject } from '../../core/plain-object';
import type { SandboxEngine } from './engine';
import { toUnits, unitsNumber, unitsOrUndefined, unitsText, type Units } from './money';
import type { SandboxExternalTransfer, SandboxExternalWallet, SandboxPspOrder } from './state';
import type { SandboxDelivery } from './webhook-delivery';

type Input = Record<string, unknown>;
const CURRENCY = /^[A-Z]{3}$/;
const WALLET_CURRENCY = /^[A-Z]{3,10}$/;
const SCALE = 10n ** 8n;
const MAX_AMOUNT = 10n ** 12n * SCALE;

function objectInput(body: unknown): Input {
  if (!isPlainObject(body)) throw new TypeError('body: must be a JSON object');
  return body;
}

function text(body: Input, field: string, pattern?: RegExp, rule?: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw new TypeError(`${field}: must be a non-empty string`);
  if (value.length > 200) throw new RangeError(`${field}: must be at most 200 characters`);
  if (pattern && !pattern.test(value)) throw new RangeError(`${field}: ${rule}`);
  return value;
}

function positiveAmount(body: Input, field: string): Units {
  const value = body[field];
  if (typeof value !== 'number' && typeof value !== 'string') throw new TypeError(`${field}: must be a number`);
  const units = unitsOrUndefined(value);
  if (units === undefined) throw new RangeError(`${field}: must be a decimal number with at most 8 decimal places`);
  if (units <= 0n) throw new RangeError(`${field}: must be greater than 0`);
  // The amount is sent as a JSON number: it must fit the CRM's decimal(20,8) (below 10^12, as a wallet update's
  // amount, UpdateWalletBalanceRequest) and come out of that number exactly, or the tenant gets another amount.
  if (units >= MAX_AMOUNT || toUnits(unitsNumber(units)) !== units) throw new RangeError(`${field}: must be below 10^12 with at most 8 decimal places, and exactly representable as a JSON number`);
  return units;
}

/** Any of the 11 webhook events, by name: the spec's example with `data` shallow-merged; resolves once answered. */
export async function fireWebhook(engine: SandboxEngine, event: unknown, data?: unknown): Promise<{ delivery: SandboxDelivery; call?: CrmCallRecord }> {
  if (typeof event !== 'string' || !resolveOperation('webhooks', event)) throw new RangeError('event: must be a webhook event the spec lists (e.g. users.create, requests.withdrawal.approve.node.2)');
  if (data !== undefined && !isPlainObject(data)) throw new TypeError('data: must be a JSON object');
  if (!engine.webhooks.configured) throw new RangeError('webhooks: no URL is configured for the webhooks calls (--webhook-url)');
  const delivery = await engine.webhooks.deliver(webhookBody(event, data) as { source: { event: string } }, engine.clock.now());
  const call = engine.outward.records.find((record) => record.id === delivery!.callId);
  return { delivery: delivery!, ...(call ? { call } : {}) };
}

/** Asks the tenant's rate API how many `to` one `from` buys, and remembers the answer; undefined without a usable one. */
async function rateOrNone(engine: SandboxEngine, body: unknown): Promise<{ from: string; to: string; rate?: number; call: CrmCallRecord }> {
  const input = objectInput(body);
  const from = text(input, 'from', CURRENCY, 'must be a 3-letter upper-case currency code');
  const to = text(input, 'to', CURRENCY, 'must be a 3-letter upper-case currency code');
  const { record, outcome, json } = await engine.outward.call('exchange-rates', 'getExternalRate', { params: { from, to } });
  // Used only when the answer is the documented 200 for this pair: a 404/503 or a broken body gives no rate.
  const answer = json as { from?: unknown; to?: unknown; rate?: unknown } | undefined;
  const usable = outcome.answer?.status === 200 && record.verdict.ok && answer?.from === from && answer?.to === to && typeof answer.rate === 'number' && answer.rate > 0;
  if (!usable) return { from, to, call: record };
  engine.state.rates.set(`${from}/${to}`, answer.rate as number);
  return { from, to, rate: answer.rate as number, call: record };
}

/** As rateOrNone, but an answer without a usable rate is a 502 `rate_unavailable` (as wallet sync's `wallets_unavailable`). */
export async function askRate(engine: SandboxEngine, body: unknown): Promise<{ from: string; to: string; rate: number; call: CrmCallRecord }> {
  const asked = await rateOrNone(engine, body);
  if (asked.rate === undefined) throw new OutwardRefusal('rate_unavailable', `no usable rate ${asked.from}/${asked.to} from the rate API (see the call)`, asked.call);
  return { ...asked, rate: asked.rate };
}

/** `amount` × `rate`, exactly to 8 places (truncated: the CRM's decimal(20,8)). */
function convert(amount: Units, rate: number): Units {
  return (amount * toUnits(rate.toFixed(8).replace(/\.?0+$/, ''))) / SCALE;
}

export class OutwardRefusal extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly call?: CrmCallRecord,
  ) {
    super(message);
  }
}

/**
 * A deposit through the tenant's PSP, as the CRM starts one: a fresh order, the rate asked first when the
 * payer's currency is not the wallet's, then the `/pay/url` call. The order is kept pending whatever the
 * answer (the PSP may have created the payment even when its answer was lost); the callback settles it.
 */
/** An order as JSON: its amounts as decimal strings, as the state's snapshot shows them. */
export type PspOrderView = Omit<SandboxPspOrder, 'amount' | 'credit_amount'> & { amount: string; credit_amount: string };
const orderView = (order: SandboxPspOrder): PspOrderView => ({ ...order, amount: unitsText(order.amount), credit_amount: unitsText(order.credit_amount) });

export async function pspDeposit(engine: SandboxEngine, body: unknown): Promise<{ order: PspOrderView; payment_url?: string; calls: CrmCallRecord[] }> {
  const input = objectInput(body);
  const userId = text(input, 'user_id');
  const client = engine.state.clients.get(userId);
  if (!client) throw new RangeError(`user_id: no client ${userId}`);
  const amount = positiveAmount(input, 'amount');
  const currency = text(input, 'currency', CURRENCY, 'must be a 3-letter upper-case currency code');
  const walletCurrency = input.wallet_currency === undefined ? ([...(engine.state.wallets.get(userId)?.keys() ?? [])][0] ?? currency) : text(input, 'wallet_currency', CURRENCY, 'must be a 3-letter upper-case currency code');
  if (!engine.outward.configured('psp')) throw new RangeError('psp: no URL is configured for the psp calls (--psp-url)');
  const calls: CrmCallRecord[] = [];
  let credit = amount;
  let rate: number | undefined;
  if (walletCurrency !== currency) {
    // The CRM asks the rate when a deposit's currency is not the account's, before the payment page (x-decision).
    const asked = await rateOrNone(engine, { from: currency, to: walletCurrency });
    calls.push(asked.call);
    if (asked.rate === undefined) throw new OutwardRefusal('rate_unavailable', `no usable rate ${currency}/${walletCurrency} from the rate API: the deposit was not started`, asked.call);
    rate = asked.rate;
    credit = convert(amount, rate);
  }
  const order: SandboxPspOrder = {
    order_no: `Dp${engine.state.ids.id(10)}`, user_id: userId, amount, currency, wallet_currency: walletCurrency, credit_amount: credit, ...(rate === undefined ? {} : { rate }),
    status: 'pending', atMs: engine.clock.now(),
  };
  engine.state.pspOrders.set(order.order_no, order);
  const request = {
    merchant_id: 'sandbox-merchant', order_no: order.order_no, amount: unitsNumber(amount), currency, user_id: userId, user_name: client.name ?? client.email, email: client.email,
    ...(client.phone?.number ? { phone: `+${client.phone.country_code} ${client.phone.number}` } : {}), language: 'en-us', device: 'pc',
  };
  const { record, outcome, json } = await engine.outward.call('psp', 'getPaymentUrl', { body: request });
  calls.push(record);
  const answer = json as { result?: unknown; data?: { url?: unknown } } | undefined;
  if (outcome.answer?.status === 200 && record.verdict.ok && answer?.result === true && typeof answer.data?.url === 'string') order.payment_url = answer.data.url;
  return { order: orderView(order), ...(order.payment_url ? { payment_url: order.payment_url } : {}), calls };
}

/** Reads the user's wallets from the tenant's service (the list, then each one) into the sandbox's state. */
export async function syncExternalWallets(engine: SandboxEngine, body: unknown): Promise<{ external_user_id: string; wallets: SandboxExternalWallet[]; calls: CrmCallRecord[] }> {
  const input = objectInput(body);
  const user = text(input, 'external_user_id');
  const calls: CrmCallRecord[] = [];
  const listed = await engine.outward.call('external-wallets', 'listExternalWallets', { body: { skip: 0, limit: 500, external_user_id: [user] } });
  calls.push(listed.record);
  if (!(listed.outcome.answer?.status === 200 && listed.record.verdict.ok)) throw new OutwardRefusal('wallets_unavailable', 'the wallet service gave no usable list (see the call)', listed.record);
  const wallets: SandboxExternalWallet[] = [];
  for (const listedWallet of (listed.json as { data: SandboxExternalWallet[] }).data.filter((w) => w.external_user_id === user)) {
    const one = await engine.outward.call('external-wallets', 'getExternalWallet', { params: { external_user_id: user, currency: listedWallet.currency } });
    calls.push(one.record);
    if (one.outcome.answer?.status === 200 && one.record.verdict.ok) wallets.push(one.json as SandboxExternalWallet);
  }
  const held = new Map(wallets.map((wallet) => [wallet.currency, wallet]));
  engine.state.externalWallets.set(user, held);
  return { external_user_id: user, wallets, calls };
}

/**
 * A credit or debit of the tenant's wallet, under a fresh `order_id` unless one is given (so a test can repeat
 * one). Never re-sent: an order without a usable answer stays `unknown`.
 */
export async function transferExternalWallet(engine: SandboxEngine, body: unknown): Promise<{ transfer: SandboxExternalTransfer; wallet?: SandboxExternalWallet; call: CrmCallRecord }> {
  const input = objectInput(body);
  const user = text(input, 'external_user_id');
  const currency = text(input, 'currency', WALLET_CURRENCY, 'must be an upper-case currency code');
  const amount = positiveAmount(input, 'amount');
  const direction = input.direction;
  if (direction !== 'credit' && direction !== 'debit') throw new RangeError("direction: must be 'credit' or 'debit'");
  const orderId = input.order_id === undefined ? `Wo${engine.state.ids.id(12)}` : text(input, 'order_id');
  const request = { order_id: orderId, external_user_id: user, currency, amount: unitsNumber(amount) };
  const { record, outcome, json } = await engine.outward.call('external-wallets', direction === 'credit' ? 'creditExternalWallet' : 'debitExternalWallet', { body: request });
  const status = outcome.answer?.status;
  const type = isPlainObject(json) && typeof json.type === 'string' ? json.type : undefined;
  const transfer: SandboxExternalTransfer = {
    ...request, direction, callId: record.id, atMs: engine.clock.now(),
    status: status === 200 && record.verdict.ok ? 'done' : status !== undefined && status >= 400 && status < 500 && record.verdict.ok ? 'refused' : 'unknown',
    ...(type ? { refusal: type } : {}),
  };
  engine.state.externalTransfers.push(transfer);
  if (transfer.status !== 'done') return { transfer, call: record };
  const wallet = json as SandboxExternalWallet;
  const held = engine.state.externalWallets.get(user) ?? new Map<string, SandboxExternalWallet>();
  held.set(wallet.currency, wallet);
  engine.state.externalWallets.set(user, held);
  return { transfer, wallet, call: record };
}
