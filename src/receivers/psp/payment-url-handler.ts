// The tenant's `/pay/url`: the CRM asks for a payment page; the tenant's code says where the payer goes.
import type { components } from '../../../generated/psp';
import { requestSchemas } from '../../../generated/psp.request-schemas';
import { requestValidators } from '../../core/validation/request-validators';
import { NO_FORMATS } from '../../core/validation/formats';
import { DEFAULT_MAX_BODY_BYTES } from '../../core/body-limits';
import { NOT_JSON, readJsonBody } from '../common/request-body';
import { reportingTo, defaultReporter, reportSafely, type ReceiverErrorReporter } from '../common/error-report';
import { jsonResponse } from '../common/answers';
import { inputProblem } from '../../core/validation/messages';
import { sameSecret } from '../../core/same-secret';
import { isPlainObject } from '../../core/plain-object';
import { pspVerify } from './sign';

export type PaymentUrlRequest = components['schemas']['PaymentUrlRequest'];
export type PaymentUrlResponse = components['schemas']['PaymentUrlResponse'];

export interface PaymentUrlHandlerOptions {
  crmPayToken: string;
  /** Your PSP's page for this order: a URL string, or `{ url }`. Throw to answer `result: false`. */
  getPaymentUrl: (request: PaymentUrlRequest) => Promise<string | { url: string }> | string | { url: string };
  /**
   * What to do with the body's `sign` (the `crm-pay-token` is always checked, in constant time):
   * `'if-present'` (default) checks it when the CRM sends one, accepting either reading of empty values;
   * `'require'` refuses a request without one; `'ignore'` authenticates by the token alone, as a running
   * integration does whose CRM sends no usable `sign`. A refusal for the `sign` is reported through `onError`
   * (step `sign-missing` or `sign-mismatch`), so a wrong token can be told from a `sign` computed differently.
   */
  sign?: 'require' | 'if-present' | 'ignore';
  /** Largest body accepted (default 1 MiB); larger ones are refused with 413 while being read. */
  maxBodyBytes?: number;
  /** Told when `getPaymentUrl` fails or a request is refused for its `sign` (never the token, the sign or the body). */
  onError?: ReceiverErrorReporter;
}

/** Compiled per operation on first use. */
const validators = /* @__PURE__ */ requestValidators(requestSchemas, NO_FORMATS);

const refuse = (status: number, msg: string) => jsonResponse(status, { data: null, result: false, msg } satisfies PaymentUrlResponse);

/** The order a report is about, when the body names one as a string (anything else is not rendered). */
const orderNo = (params: Record<string, unknown>) => (typeof params.order_no === 'string' ? params.order_no : '');

/**
 * A fetch-style `/pay/url`: 401 unless `crm-pay-token` and `sign` verify, 400 (naming the field and the rule)
 * unless the body matches the spec, then `{ data: { url }, result: true, msg: '' }`. A failure of your code is
 * answered `result: false` without its message (it may hold internals).
 */
export function createPaymentUrlHandler({ crmPayToken, getPaymentUrl, sign = 'if-present', maxBodyBytes = DEFAULT_MAX_BODY_BYTES, onError = defaultReporter }: PaymentUrlHandlerOptions): (request: Request) => Promise<Response> {
  if (typeof crmPayToken !== 'string' || crmPayToken === '') throw new TypeError('createPaymentUrlHandler: `crmPayToken` is required');
  if (!['require', 'if-present', 'ignore'].includes(sign)) throw new TypeError("createPaymentUrlHandler: `sign` must be 'require', 'if-present' or 'ignore'");
  return reportingTo('payment-url', onError, async (request) => {
    if (request.method !== 'POST') return refuse(405, 'method not allowed');
    const read = await readJsonBody(request, maxBodyBytes, (status, _type, message) => refuse(status, message));
    if ('refusal' in read) return read.refusal;
    const body = read.value;
    if (!(await sameSecret(request.headers.get('crm-pay-token'), crmPayToken))) return refuse(401, 'invalid crm-pay-token or sign');
    // The token was right: say what is wrong with the body.
    if (!isPlainObject(body)) return refuse(400, body === undefined ? NOT_JSON : 'body: must be a JSON object');
    const params = body;
    const present = params.sign !== undefined && params.sign !== null && params.sign !== '';
    if (sign !== 'ignore' && (present || sign === 'require') && !(await pspVerify(params, crmPayToken))) {
      // The token was right: the sign is missing or computed differently. Say which, without the values.
      const step = present ? 'sign-mismatch' : 'sign-missing';
      reportSafely(onError, new Error(present ? 'the sign does not match the body under either reading of empty values' : "the request has no sign and `sign: 'require'` is set"), { receiver: 'payment-url', step, key: orderNo(params) });
      return refuse(401, 'invalid crm-pay-token or sign');
    }
    const problem = inputProblem(validators.getPaymentUrl, { query: {}, body });
    if (problem) return refuse(400, problem);
    let url: string;
    try {
      const answer = await getPaymentUrl(body as PaymentUrlRequest);
      url = typeof answer === 'string' ? answer : answer.url;
      new URL(url);
    } catch (error) {
      reportSafely(onError, error, { receiver: 'payment-url', step: 'getPaymentUrl', key: orderNo(params) });
      return refuse(200, 'payment page unavailable');
    }
    return jsonResponse(200, { data: { url }, result: true, msg: '' } satisfies PaymentUrlResponse);
  });
}
