// The CRM's `/pay/callback`, served by the sandbox: the tenant's PSP integration (createPspCallbackClient)
// reports a payment's result. Checked as the CRM checks it (`crm-pay-token`, the body's `sign`, the body against
// the spec, the order, its amount and currency); a success credits the client's wallet and records a deposit
// transaction, exactly once: any later report for an order no longer pending gets `payment_status_not_pending`.
import { requestSchemas } from '../../../generated/psp.request-schemas';
import { isPlainObject } from '../../core/plain-object';
import { sameSecret } from '../../core/same-secret';
import { verifySha1ParamsSignature } from '../../core/signatures/sha1-params';
import { inputProblem } from '../../core/validation/messages';
import { NO_FORMATS } from '../../core/validation/formats';
import { requestValidators } from '../../core/validation/request-validators';
import { readJson } from '../json-body';
import type { SandboxEngine } from './engine';
import { unitsOrUndefined } from './money';
import type { SandboxAnswer } from './operations/context';

/** Where the sandbox serves it: `{CRM_Callback_URL}/pay/callback`, the CRM_Callback_URL being `<sandbox>/api/psp`. */
export const PSP_CALLBACK_PATHS = new Set(['/api/psp/pay/callback', '/pay/callback']);

const validators = /* @__PURE__ */ requestValidators(requestSchemas, NO_FORMATS);

// The CRM's PSP errors are all 400 with `code` 400 (spec x-decision); `message` names the field and the rule.
const refuse = (type: string, message?: string): SandboxAnswer => ({ status: 400, body: { error: true, code: 400, type, ...(message ? { message } : {}) } });

export async function receivePspCallback(engine: SandboxEngine, method: string, headers: Record<string, string | string[] | undefined>, raw: Buffer): Promise<SandboxAnswer> {
  const psp = engine.outward.psp;
  if (!psp) return refuse('psp_setting_not_found', 'no PSP is configured in the sandbox (--psp-url, --psp-token)');
  if (method !== 'POST') return { status: 405, body: { type: 'method_not_allowed', detail: '/pay/callback takes POST' } };
  const token = headers['crm-pay-token'];
  if (!(await sameSecret(typeof token === 'string' ? token : undefined, psp.crmPayToken))) return refuse('psp_token_invalid');
  // A report that is not JSON is refused before anything is read or moved (the callback is documented as JSON).
  const type = String(headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') return refuse('payment_not_found', 'content-type: must be application/json');
  const read = raw.length > 0 ? readJson(raw) : { problem: 'body: must be JSON' };
  // x-decision: the vendor lists no type for a malformed report (its types are about the order, token and
  // amount); it is answered as an order not found, with the rule in `message`.
  if ('problem' in read || !isPlainObject(read.value)) return refuse('payment_not_found', 'problem' in read ? read.problem : 'body: must be a JSON object');
  const body = read.value;
  if (!(await verifySha1ParamsSignature(body, psp.crmPayToken, body.sign))) return refuse('psp_token_invalid', 'sign: does not match the body under the crm-pay-token');
  // The same x-decision for a report against the spec (above).
  const problem = inputProblem(validators.reportPaymentResult!, { query: {}, body });
  if (problem) return refuse('payment_not_found', problem);
  const order = engine.state.pspOrders.get(body.order_no as string);
  if (!order || (body.user_id !== undefined && body.user_id !== order.user_id)) return refuse('payment_not_found');
  if (order.status !== 'pending') return refuse('payment_status_not_pending');
  if (body.currency !== order.currency) return refuse('payment_currency_not_allowed', `currency: must be the order's (${order.currency})`);
  if (unitsOrUndefined(body.amount) !== order.amount) return refuse('payment_amount_not_allowed', "amount: must be the order's amount");
  const status = body.status as 0 | 1 | 2;
  // 2 (processing) changes nothing: the order stays pending until a final report.
  if (status === 2) return { status: 204 };
  order.transaction_id = typeof body.transaction_id === 'string' ? body.transaction_id : undefined;
  if (status === 0) {
    order.status = 'failed';
    return { status: 204 };
  }
  order.status = 'success';
  const wallet = engine.state.wallets.get(order.user_id) ?? new Map<string, bigint>();
  const before = wallet.get(order.wallet_currency) ?? 0n;
  wallet.set(order.wallet_currency, before + order.credit_amount);
  engine.state.wallets.set(order.user_id, wallet);
  engine.state.transactions.push({
    id: `Tx${engine.state.ids.id(7)}`, user_id: order.user_id, type: 'deposit', currency: order.wallet_currency, amount: order.credit_amount, atMs: engine.clock.now(),
    previous_balance: before, new_balance: before + order.credit_amount, status: 'approved',
    extra: { ref_id: order.order_no, deposit_method: 'psp', ...(order.transaction_id ? { psp_transaction_id: order.transaction_id } : {}), ...(order.rate === undefined ? {} : { exchange_rate: String(order.rate) }) },
  });
  return { status: 204 };
}
