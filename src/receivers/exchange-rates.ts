// The tenant's rate API, called by the CRM with the configured key. Its shape is a decision (spec/exchange-rates.yaml).
import type { components } from '../../generated/exchange-rates';
import { requestSchemas } from '../../generated/exchange-rates.request-schemas';
import { requestValidators } from '../core/validation/request-validators';
import { NO_FORMATS } from '../core/validation/formats';
import { DEFAULT_MAX_BODY_BYTES } from '../core/body-limits';
import { readBodyLimited } from './common/request-body';
import { reportingTo, defaultReporter, reportSafely, type ReceiverErrorReporter } from './common/error-report';
import { jsonResponse, queryOf } from './common/answers';
import { inputProblem } from '../core/validation/messages';
import { sameSecret } from '../core/same-secret';

/** Compiled per operation on first use. */
const validators = /* @__PURE__ */ requestValidators(requestSchemas, NO_FORMATS);

export type ExchangeRate = components['schemas']['ExchangeRate'];

export interface ExchangeRateHandlerOptions {
  /** The API key entered in the back office next to the rate API's URL. */
  apiKey: string;
  /** How many `to` one `from` buys; `undefined` when you have no rate for the pair (answered 404). Throw when
   * your source fails (answered 503, so the CRM never gets a made-up rate). */
  getRate: (pair: { from: string; to: string }) => Promise<number | undefined> | number | undefined;
  /** Largest body accepted (default 1 MiB; the call has none): larger ones are refused with 413 while being read. */
  maxBodyBytes?: number;
  /** Told when `getRate` fails or gives no positive number (never the key). */
  onError?: ReceiverErrorReporter;
}

/**
 * A fetch-style rate API: 401 unless `key` matches (constant-time), 400 naming the bad parameter, then
 * `{ from, to, rate }`. A rate that is not a positive finite number is never sent (503).
 */
export function createExchangeRateHandler({ apiKey, getRate, maxBodyBytes = DEFAULT_MAX_BODY_BYTES, onError = defaultReporter }: ExchangeRateHandlerOptions): (request: Request) => Promise<Response> {
  if (typeof apiKey !== 'string' || apiKey === '') throw new TypeError('createExchangeRateHandler: `apiKey` is required');
  return reportingTo('exchange-rates', onError, async (request) => {
    if (!(await sameSecret(request.headers.get('key'), apiKey))) return jsonResponse(401, { type: 'invalid_api_key' });
    if (request.method !== 'GET') return jsonResponse(405, { type: 'invalid_request', message: 'method must be GET' });
    // A GET has no body to speak of; whatever is sent is bounded and dropped.
    const read = await readBodyLimited(request, maxBodyBytes);
    if ('refusal' in read) return read.refusal;
    const query = queryOf(request);
    const problem = inputProblem(validators.getExternalRate, { query });
    if (problem) return jsonResponse(400, { type: 'invalid_request', message: problem });
    const pair = { from: query.from!, to: query.to! };
    let rate: number | undefined;
    try {
      rate = await getRate(pair);
    } catch (error) {
      reportSafely(onError, error, { receiver: 'exchange-rates', step: 'getRate', key: `${pair.from}/${pair.to}` });
      return jsonResponse(503, { type: 'rate_unavailable' });
    }
    if (rate === undefined) return jsonResponse(404, { type: 'rate_not_found' });
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) {
      reportSafely(onError, new TypeError('getRate gave no positive finite number'), { receiver: 'exchange-rates', step: 'getRate', key: `${pair.from}/${pair.to}` });
      return jsonResponse(503, { type: 'rate_unavailable', message: 'the rate source gave no positive number' });
    }
    return jsonResponse(200, { ...pair, rate } satisfies ExchangeRate);
  });
}
