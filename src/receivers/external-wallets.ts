// The tenant's External Wallets service, called by the CRM: `key` on every call, the SHA-1 parameter
// `signature` on every call with a body (the PSP `sign` construction keyed by the API key).
import type { components } from '../../generated/external-wallets';
import { requestSchemas } from '../../generated/external-wallets.request-schemas';
import { DEFAULT_MAX_BODY_BYTES } from '../core/body-limits';
import { NOT_JSON, readJsonBody } from './common/request-body';
import { DEFAULT_DEADLINE_MS } from './common/deadline';
import { memoryDedupeStore, type DedupeStore } from './common/dedupe';
import { runOnce } from './common/once';
import { reportingTo, defaultReporter, reportSafely, type ReceiverErrorReporter } from './common/error-report';
import { jsonResponse, queryOf } from './common/answers';
import { inputProblem } from '../core/validation/messages';
import { sameSecret } from '../core/same-secret';
import { isPlainObject } from '../core/plain-object';
import { verifySha1ParamsSignature } from '../core/signatures/sha1-params';
import { requestValidators } from '../core/validation/request-validators';
import { NO_FORMATS } from '../core/validation/formats';

export type ExternalWallet = components['schemas']['ExternalWallet'];
export type ExternalWalletListRequest = components['schemas']['ExternalWalletListRequest'];
export type ExternalWalletTransfer = components['schemas']['ExternalWalletTransferRequest'];
/** What a credit or debit callback answers: the wallet after the transfer, or why nothing moved. */
export type ExternalWalletTransferResult = ExternalWallet | 'wallet_not_found' | 'insufficient_funds';

export interface ExternalWalletHandlerOptions {
  apiKey: string;
  /** One page of wallets and the total count. */
  listWallets: (request: ExternalWalletListRequest) => Promise<{ data: ExternalWallet[]; count: number }> | { data: ExternalWallet[]; count: number };
  /** The user's wallet in this currency, or undefined (answered 404). */
  getWallet: (query: { external_user_id: string; currency: string }) => Promise<ExternalWallet | undefined> | ExternalWallet | undefined;
  /**
   * Adds `amount` to the user's wallet (`POST …/wallets/credit`) and answers the wallet after it, or
   * `'wallet_not_found'`. Called at most once per `order_id` that succeeded: a repeat gets 422 `order_exists`.
   * Called only once `getWallet` told the wallet's `decimals` and `amount` has no more places than that.
   */
  credit?: (transfer: ExternalWalletTransfer, context: { signal: AbortSignal }) => Promise<ExternalWalletTransferResult> | ExternalWalletTransferResult;
  /** Takes `amount` from the wallet (`POST …/wallets/debit`); `'insufficient_funds'` when it holds less. Once per `order_id`, like `credit`. */
  debit?: (transfer: ExternalWalletTransfer, context: { signal: AbortSignal }) => Promise<ExternalWalletTransferResult> | ExternalWalletTransferResult;
  /** Where transfers' `order_id`s are claimed (default: in memory, this instance); share one across instances. */
  dedupe?: DedupeStore;
  /** How long a done `order_id` is remembered (default 30 days). */
  dedupeTtlMs?: number;
  /**
   * Deadline of a credit or debit (the claim, `getWallet` and your callback; default 4000 ms): past it the call
   * answers 503, and the `order_id` stays claimed until the callback ends (done if it moved the money, freed if
   * not), however long that takes; a store that fails or does not answer in time gets 503 and nothing moves.
   */
  timeoutMs?: number;
  /** Largest body accepted (default 1 MiB); larger ones are refused with 413 while being read. */
  maxBodyBytes?: number;
  /** Told when your callbacks fail or time out (never the key, the signature or the body). */
  onError?: ReceiverErrorReporter;
}

/** How many decimal places a number is written with (1000.5 → 1, 1e-7 → 7). */
function decimalPlaces(value: number): number {
  const [mantissa = '', exponent = '0'] = String(value).toLowerCase().split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent));
}

/** The first wallet whose amount has more decimal places than its `decimals`, as `path: rule`. */
function inconsistency(wallets: ExternalWallet[], at: (i: number) => string): string | undefined {
  for (const [i, wallet] of wallets.entries()) {
    if (!isPlainObject(wallet)) return `${at(i)} must be a wallet object`;
    if (!Number.isInteger(wallet.decimals) || wallet.decimals < 0) return `${at(i)}.decimals must be a non-negative integer`;
    if (typeof wallet.amount !== 'number' || !Number.isFinite(wallet.amount)) return `${at(i)}.amount must be a finite number`;
    if (decimalPlaces(wallet.amount) > wallet.decimals) return `${at(i)}.amount has more than ${wallet.decimals} decimal places`;
  }
  return undefined;
}

/** A decimal number's digits before and after the point, its exponent applied, without leading or trailing zeros. */
function decimalDigits(text: string): { whole: string; places: string } | undefined {
  const match = /^-?(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(text);
  const exponent = Number(match?.[3] ?? 0);
  // Far outside decimal(20,8) (and not worth padding out).
  if (!match || Math.abs(exponent) > 40) return undefined;
  const digits = match[1]! + (match[2] ?? '');
  const point = match[1]!.length + exponent;
  const padded = point < 0 ? '0'.repeat(-point) + digits : digits.padEnd(point, '0');
  const at = Math.max(point, 0);
  return { whole: padded.slice(0, at).replace(/^0+/, ''), places: padded.slice(at).replace(/0+$/, '') };
}

/** The raw text of every `amount` member (a transfer body is flat once validated, so none is inside another value). */
const AMOUNT_TEXT = /"amount"\s*:\s*(-?[0-9][0-9.eE+-]*)/g;

/**
 * Why a transfer's amount cannot be moved as sent, as `body.amount: rule`: it must fit the CRM's decimal(20,8)
 * (12 digits before the point, 8 after it) as written in the body, and be read exactly (a JSON number with more
 * digits than a double holds would be rounded, and money is never rounded).
 */
function amountProblem(text: string, amount: number): string | undefined {
  const written = [...text.matchAll(AMOUNT_TEXT)];
  if (written.length !== 1) return 'body.amount: must be given once, as a plain JSON number';
  const sent = decimalDigits(written[0]![1]!);
  if (!sent || sent.whole.length > 12 || sent.places.length > 8) return 'body.amount: must have at most 12 digits before the point and 8 after it (decimal(20,8))';
  const read = decimalDigits(String(amount));
  if (read?.whole !== sent.whole || read.places !== sent.places) return 'body.amount: must be read exactly as a JSON number (this one would be rounded)';
  return undefined;
}

/** Why a transfer was refused before any money moved: answered as is, and the order_id is freed. */
class Refusal {
  constructor(
    readonly status: number,
    readonly type: 'invalid_request' | 'wallet_inconsistent' | 'wallet_unavailable',
    readonly message: string,
  ) {}
}

/** Compiled per operation on first use. */
const validators = /* @__PURE__ */ requestValidators(requestSchemas, NO_FORMATS);

const unavailable = () => jsonResponse(503, { type: 'wallet_unavailable' });

/**
 * A fetch-style wallet service routing `POST …/wallets` and `GET …/wallets/getOne` (any base path): 401 on a
 * missing or wrong `key` or `signature` before your code runs, 400 naming the bad field and rule, then the
 * documented shapes. A transfer amount with more decimal places than the wallet's `decimals`, or outside
 * decimal(20,8), is refused (400) before your callback runs, and a wallet whose amount has more decimal places
 * than its `decimals` is refused (500 `wallet_inconsistent`): money is never rounded.
 */
export function createExternalWalletHandler(options: ExternalWalletHandlerOptions): (request: Request) => Promise<Response> {
  const { apiKey, listWallets, getWallet } = options;
  if (typeof apiKey !== 'string' || apiKey === '') throw new TypeError('createExternalWalletHandler: `apiKey` is required');
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const report = options.onError ?? defaultReporter;
  const store = options.dedupe ?? memoryDedupeStore();
  const timeoutMs = options.timeoutMs ?? DEFAULT_DEADLINE_MS;
  const ttlMs = options.dedupeTtlMs ?? 30 * 24 * 60 * 60 * 1000;
  const transfers = { credit: { callback: options.credit, validate: validators.creditExternalWallet }, debit: { callback: options.debit, validate: validators.debitExternalWallet } };

  /**
   * Credit or debit: once per `order_id`, claimed in the store before anything runs, and settled by how the
   * callback ended, even past its deadline (runOnce). The amount is checked against decimal(20,8) first, and
   * against the wallet's `decimals` (from `getWallet`) before the callback runs.
   */
  async function transfer(kind: 'credit' | 'debit', body: unknown, text: string): Promise<Response> {
    const { callback, validate } = transfers[kind];
    const problem = inputProblem(validate, { query: {}, body }) ?? amountProblem(text, (body as ExternalWalletTransfer).amount);
    if (problem) return jsonResponse(400, { type: 'invalid_request', message: problem });
    if (!callback) return jsonResponse(404, { type: 'invalid_request', message: `this wallet service takes no ${kind} calls (no \`${kind}\` callback)` });
    const request = body as ExternalWalletTransfer;
    const places = decimalDigits(String(request.amount))!.places.length;
    const tell = (error: unknown, step: string) => reportSafely(report, error, { receiver: 'external-wallets', step, key: request.order_id });
    const once = await runOnce<ExternalWalletTransferResult | Refusal>(
      async (signal) => {
        let wallet: ExternalWallet | undefined;
        try {
          wallet = await getWallet({ external_user_id: request.external_user_id, currency: request.currency });
        } catch (error) {
          tell(error, 'getWallet');
          return new Refusal(503, 'wallet_unavailable', 'the wallet could not be read; nothing moved');
        }
        if (!wallet) return 'wallet_not_found';
        const wrong = inconsistency([wallet], () => 'wallet');
        if (wrong) return new Refusal(500, 'wallet_inconsistent', wrong);
        if (places > wallet.decimals) return new Refusal(400, 'invalid_request', `body.amount: must have at most ${wallet.decimals} decimal places (the wallet's decimals)`);
        // Past the deadline already (a slow getWallet): the call was answered 503, so no money may start moving.
        signal.throwIfAborted();
        return callback(request, { signal });
      },
      {
        store,
        key: `external-wallet-order:${request.order_id}`,
        timeoutMs,
        // A crashed process's claim lapses after this, so the CRM's retry of its order is applied.
        claimTtlMs: timeoutMs + 60_000,
        doneTtlMs: ttlMs,
        did: (result) => result !== 'wallet_not_found' && result !== 'insufficient_funds' && !(result instanceof Refusal),
        report: tell,
      },
    );
    if (once.state === 'done') return jsonResponse(422, { type: 'order_exists' });
    if (once.state === 'pending') return jsonResponse(503, { type: 'wallet_unavailable', message: 'this order_id is being processed' });
    if (once.state === 'store-failed') return jsonResponse(503, { type: 'wallet_unavailable', message: 'the de-duplication store failed or did not answer in time; nothing moved' });
    if (once.state === 'timed-out') {
      // A callback past its deadline may still move the money: its order stays claimed until it ends (runOnce).
      tell(once.error, `${kind}-timeout`);
      return unavailable();
    }
    if (!once.outcome.ok) {
      tell(once.outcome.error, kind);
      return unavailable();
    }
    const result = once.outcome.value;
    if (result instanceof Refusal) return jsonResponse(result.status, { type: result.type, message: result.message });
    if (result === 'wallet_not_found') return jsonResponse(404, { type: 'wallet_not_found' });
    if (result === 'insufficient_funds') return jsonResponse(409, { type: 'insufficient_funds' });
    const wrong = inconsistency([result], () => 'wallet');
    if (wrong) {
      tell(new RangeError(wrong), kind);
      return jsonResponse(500, { type: 'wallet_inconsistent', message: wrong });
    }
    return jsonResponse(200, result);
  }

  return reportingTo('external-wallets', report, async (request) => {
    if (!(await sameSecret(request.headers.get('key'), apiKey))) return jsonResponse(401, { type: 'invalid_api_key' });
    const path = new URL(request.url).pathname.replace(/\/+$/, '');
    const route = request.method === 'POST' ? (['/wallets/credit', '/wallets/debit', '/wallets'] as const).find((end) => path.endsWith(end)) : undefined;

    if (route) {
      const read = await readJsonBody(request, maxBodyBytes);
      if ('refusal' in read) return read.refusal;
      const body = read.value;
      // The key was right: say what is wrong with the body, rather than that it cannot be signed.
      if (!isPlainObject(body)) return jsonResponse(400, { type: 'invalid_request', message: body === undefined ? NOT_JSON : 'body: must be a JSON object' });
      if (!(await verifySha1ParamsSignature(body, apiKey, request.headers.get('signature')))) {
        return jsonResponse(401, { type: 'invalid_signature' });
      }
      if (route !== '/wallets') return transfer(route === '/wallets/credit' ? 'credit' : 'debit', body, new TextDecoder().decode(read.bytes));
      const problem = inputProblem(validators.listExternalWallets, { query: {}, body });
      if (problem) return jsonResponse(400, { type: 'invalid_request', message: problem });
      let page: { data: ExternalWallet[]; count: number };
      try {
        page = await listWallets(body as ExternalWalletListRequest);
      } catch (error) {
        reportSafely(report, error, { receiver: 'external-wallets', step: 'listWallets' });
        return unavailable();
      }
      const wrong = !isPlainObject(page) || !Array.isArray(page.data) ? 'data must be an array of wallets' : !Number.isInteger(page.count) || page.count < 0 ? 'count must be a non-negative integer' : inconsistency(page.data, (i) => `data[${i}]`);
      if (wrong) return jsonResponse(500, { type: 'wallet_inconsistent', message: wrong });
      return jsonResponse(200, { data: page.data, count: page.count });
    }

    if (request.method === 'GET' && path.endsWith('/wallets/getOne')) {
      const query = queryOf(request);
      const problem = inputProblem(validators.getExternalWallet, { query });
      if (problem) return jsonResponse(400, { type: 'invalid_request', message: problem });
      let wallet: ExternalWallet | undefined;
      try {
        wallet = await getWallet({ external_user_id: query.external_user_id!, currency: query.currency! });
      } catch (error) {
        reportSafely(report, error, { receiver: 'external-wallets', step: 'getWallet' });
        return unavailable();
      }
      if (!wallet) return jsonResponse(404, { type: 'wallet_not_found' });
      const wrong = inconsistency([wallet], () => 'wallet');
      if (wrong) return jsonResponse(500, { type: 'wallet_inconsistent', message: wrong });
      return jsonResponse(200, wallet);
    }

    return jsonResponse(404, { type: 'invalid_request', message: `${request.method} ${path} is not a wallet service call` });
  });
}
