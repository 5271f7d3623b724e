// The tenant's External Wallets service, called by the CRM: `key` on every call, the SHA-1 parameter
// `signature` on every call with a body (the PSP `sign` construction keyed by the API key).
import type { components } from '../../generated/external-wallets';
import { requestSchemas } from '../../generated/external-wallets.request-schemas';
import { DEFAULT_MAX_BODY_BYTES, readJsonBody } from './common/request-body';
import { DEFAULT_DEADLINE_MS, withDeadline } from './common/deadline';
import { memoryDedupeStore, type DedupeStore } from './common/dedupe';
import { defaultReporter, reportSafely, type ReceiverErrorReporter } from './common/error-report';
import { inputProblem, json, queryOf } from './common/answers';
import { sameSecret } from '../core/same-secret';
import { verifySha1ParamsSignature } from '../core/signatures/sha1-params';
import { requestValidators } from '../core/validation/request-validators';

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
   */
  credit?: (transfer: ExternalWalletTransfer, context: { signal: AbortSignal }) => Promise<ExternalWalletTransferResult> | ExternalWalletTransferResult;
  /** Takes `amount` from the wallet (`POST …/wallets/debit`); `'insufficient_funds'` when it holds less. Once per `order_id`, like `credit`. */
  debit?: (transfer: ExternalWalletTransfer, context: { signal: AbortSignal }) => Promise<ExternalWalletTransferResult> | ExternalWalletTransferResult;
  /** Where transfers' `order_id`s are claimed (default: in memory, this instance); share one across instances. */
  dedupe?: DedupeStore;
  /** How long a done `order_id` is remembered (default 30 days). */
  dedupeTtlMs?: number;
  /**
   * Deadline of a credit or debit callback (default 4000 ms): past it the call answers 503, and the `order_id`
   * stays claimed until the callback ends (done if it moved the money, freed if not).
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
    if (!Number.isInteger(wallet.decimals) || wallet.decimals < 0) return `${at(i)}.decimals must be a non-negative integer`;
    if (typeof wallet.amount !== 'number' || !Number.isFinite(wallet.amount)) return `${at(i)}.amount must be a finite number`;
    if (decimalPlaces(wallet.amount) > wallet.decimals) return `${at(i)}.amount has more than ${wallet.decimals} decimal places`;
  }
  return undefined;
}

/** Compiled per operation on first use. */
const validators = /* @__PURE__ */ requestValidators(requestSchemas);

const unavailable = () => json(503, { type: 'wallet_unavailable' });

/**
 * A fetch-style wallet service routing `POST …/wallets` and `GET …/wallets/getOne` (any base path): 401 on a
 * missing or wrong `key` or `signature` before your code runs, 400 naming the bad field and rule, then the
 * documented shapes. A wallet whose amount has more decimal places than `decimals` is refused (500
 * `wallet_inconsistent`), never rounded.
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

  /** Credit or debit: once per `order_id`, claimed in the store before the callback and released if it fails. */
  async function transfer(kind: 'credit' | 'debit', body: unknown): Promise<Response> {
    const { callback, validate } = transfers[kind];
    const problem = inputProblem(validate, { query: {}, body });
    if (problem) return json(400, { type: 'invalid_request', message: problem });
    if (!callback) return json(404, { type: 'invalid_request', message: `this wallet service takes no ${kind} calls (no \`${kind}\` callback)` });
    const request = body as ExternalWalletTransfer;
    const key = `external-wallet-order:${request.order_id}`;
    const claim = await store.claim(key, timeoutMs + 60_000);
    if (claim === 'done') return json(422, { type: 'order_exists' });
    if (claim === 'pending') return json(503, { type: 'wallet_unavailable', message: 'this order_id is being processed' });
    const moved = (result: ExternalWalletTransferResult) => result !== 'wallet_not_found' && result !== 'insufficient_funds';
    const settled = await withDeadline((signal) => callback(request, { signal }), timeoutMs);
    if (!settled.ok) {
      reportSafely(report, settled.error, { receiver: 'external-wallets', step: settled.timedOut ? `${kind}-timeout` : kind, key: request.order_id });
      if (!settled.timedOut) await store.release(key);
      // A callback past its deadline may still move the money: the order stays claimed (a retry meanwhile gets
      // 503) until it ends, and is then done or freed by how it ended, so a retry can never apply it twice.
      else void settled.later.then((late) => (late.ok && moved(late.value) ? store.complete(key, ttlMs) : store.release(key))).catch((error: unknown) => reportSafely(report, error, { receiver: 'external-wallets', step: `${kind}-settle`, key: request.order_id }));
      return unavailable();
    }
    const result = settled.value;
    if (!moved(result)) {
      // Nothing moved: the order is free again, and the refusal is the answer.
      await store.release(key);
      return result === 'wallet_not_found' ? json(404, { type: 'wallet_not_found' }) : json(409, { type: 'insufficient_funds' });
    }
    await store.complete(key, ttlMs);
    const wrong = inconsistency([result], () => 'wallet');
    if (wrong) {
      reportSafely(report, new RangeError(wrong), { receiver: 'external-wallets', step: kind, key: request.order_id });
      return json(500, { type: 'wallet_inconsistent', message: wrong });
    }
    return json(200, result);
  }

  return async (request) => {
    if (!(await sameSecret(request.headers.get('key'), apiKey))) return json(401, { type: 'invalid_api_key' });
    const path = new URL(request.url).pathname.replace(/\/+$/, '');
    const route = request.method === 'POST' ? (['/wallets/credit', '/wallets/debit', '/wallets'] as const).find((end) => path.endsWith(end)) : undefined;

    if (route) {
      const read = await readJsonBody(request, maxBodyBytes);
      if ('refusal' in read) return read.refusal;
      const body = read.value;
      if (!(await verifySha1ParamsSignature(body, apiKey, request.headers.get('signature')))) {
        return json(401, { type: 'invalid_signature' });
      }
      if (route === '/wallets/credit') return transfer('credit', body);
      if (route === '/wallets/debit') return transfer('debit', body);
      const problem = inputProblem(validators.listExternalWallets, { query: {}, body });
      if (problem) return json(400, { type: 'invalid_request', message: problem });
      let page: { data: ExternalWallet[]; count: number };
      try {
        page = await listWallets(body as ExternalWalletListRequest);
      } catch (error) {
        reportSafely(report, error, { receiver: 'external-wallets', step: 'listWallets' });
        return unavailable();
      }
      const wrong = inconsistency(page.data, (i) => `data[${i}]`);
      if (wrong) return json(500, { type: 'wallet_inconsistent', message: wrong });
      return json(200, { data: page.data, count: page.count });
    }

    if (request.method === 'GET' && path.endsWith('/wallets/getOne')) {
      const query = queryOf(request);
      const problem = inputProblem(validators.getExternalWallet, { query });
      if (problem) return json(400, { type: 'invalid_request', message: problem });
      let wallet: ExternalWallet | undefined;
      try {
        wallet = await getWallet({ external_user_id: query.external_user_id!, currency: query.currency! });
      } catch (error) {
        reportSafely(report, error, { receiver: 'external-wallets', step: 'getWallet' });
        return unavailable();
      }
      if (!wallet) return json(404, { type: 'wallet_not_found' });
      const wrong = inconsistency([wallet], () => 'wallet');
      if (wrong) return json(500, { type: 'wallet_inconsistent', message: wrong });
      return json(200, wallet);
    }

    return json(404, { type: 'invalid_request', message: `${request.method} ${path} is not a wallet service call` });
  };
}
