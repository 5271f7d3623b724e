// The tenant's side of `/pay/callback`: report a payment's result to the CRM, signed, exactly as the spec says.
import type { components, paths } from '../../../generated/psp';
import { operations } from '../../../generated/psp.operations';
import { requestSchemas } from '../../../generated/psp.request-schemas';
import { createOperationClient } from '../../http/operation-client';
import { requestValidators } from '../../core/validation/request-validators';
import { NO_FORMATS } from '../../core/validation/formats';
import { toApiError } from '../../http/throw-on-error';
import type { CrmLogger } from '../../core/logger';
import { createRetryingFetch } from '../../http/transport/retrying-fetch';
import { withoutEmptyParams } from '../../core/signatures/sha1-params';
import { pspSign } from './sign';

export type PaymentCallback = Omit<components['schemas']['PaymentCallbackRequest'], 'sign'>;

export interface PspCallbackClientOptions {
  /** `CRM_Callback_URL` from PSP Settings; `/pay/callback` is appended unless it is already there. */
  callbackUrl: string;
  crmPayToken: string;
  fetch?: (request: Request) => Promise<Response>;
  /** Per attempt, body included (default 30 000). */
  timeoutMs?: number;
  /** The largest answer body read, in bytes (default 32 MiB); a larger one is cut off while reading. */
  maxResponseBytes?: number;
  /** Extra attempts after a lost answer, a timeout, 429 or 502–504 (default 2). */
  maxRetries?: number;
  logger?: CrmLogger;
}

export interface PaymentReport {
  /** `recorded`: the CRM answered 204. `already_final`: it answered `payment_status_not_pending`, i.e. the
   * order already has a final status (this report's earlier attempt, or another one, got there first). */
  outcome: 'recorded' | 'already_final';
}

/**
 * `reportPayment(result)` signs the body (`sign` computed here), POSTs it with `crm-pay-token`, and resolves on
 * 204. A repeated report is harmless (the CRM refuses a second final status), so lost answers are retried.
 * Other documented refusals throw CrmApiError with the PSP error `type`.
 */
export function createPspCallbackClient(options: PspCallbackClientOptions): { reportPayment(result: PaymentCallback): Promise<PaymentReport> } {
  const { callbackUrl, crmPayToken } = options;
  if (typeof callbackUrl !== 'string' || callbackUrl === '') throw new TypeError('createPspCallbackClient: `callbackUrl` is required');
  if (typeof crmPayToken !== 'string' || crmPayToken === '') throw new TypeError('createPspCallbackClient: `crmPayToken` is required');
  const baseUrl = callbackUrl.replace(/\/+$/, '').replace(/\/pay\/callback$/, '');
  const client = createOperationClient<paths>({
    baseUrl,
    fetch: createRetryingFetch({ fetch: options.fetch, timeoutMs: options.timeoutMs ?? 30_000, maxRetries: options.maxRetries ?? 2, backoff: {}, logger: options.logger, maxResponseBytes: options.maxResponseBytes, secrets: [crmPayToken] }),
    headers: { 'crm-pay-token': crmPayToken },
    operations,
    validators: requestValidators(requestSchemas, NO_FORMATS),
  });
  return {
    async reportPayment(result) {
      // No empty fields are sent, so the CRM's reading of "empty" (dropped or kept) cannot change the sign.
      const sent = withoutEmptyParams(result) as PaymentCallback;
      const body = { ...sent, sign: await pspSign(sent, crmPayToken) };
      const { error, response } = await client.POST('/pay/callback', { body });
      if (response.ok) return { outcome: 'recorded' };
      if (error?.type === 'payment_status_not_pending') return { outcome: 'already_final' };
      throw toApiError(response.status, error, operations['POST /pay/callback']!.id);
    },
  };
}
