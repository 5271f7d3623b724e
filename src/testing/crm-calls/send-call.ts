// Sending one of the CRM's calls as the CRM does: one attempt (never re-sent: a wallet credit or a `/pay/url`
// may have been received), no redirect followed (the `key` or token would go along), the answer bounded in
// time (the headers and the body inside one deadline) and in size.
import { describeFailure, readBounded } from '../verify/call';
import type { CrmCallOutcome, CrmCallRequest, SendCrmCallOptions } from './types';

/**
 * The CRM's timeout for a call to the tenant. The webhook page says 5 s; the PSP, rate and wallet pages say
 * nothing, and the CRM is taken to use the same 5 s for them (x-decision, also in each spec's description).
 */
export const DEFAULT_CRM_TIMEOUT_MS = 5000;
/** The largest answer read: far above any documented answer (a page of 500 wallets is about 80 KiB). */
export const DEFAULT_MAX_ANSWER_BYTES = 1024 * 1024;

const CONNECTION_CODES = /ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED|EAI_AGAIN/;

export async function sendCrmCall(request: CrmCallRequest, options: SendCrmCallOptions = {}): Promise<CrmCallOutcome> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CRM_TIMEOUT_MS;
  const maxAnswerBytes = options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
  const started = performance.now();
  const durationMs = () => Math.round(performance.now() - started);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      redirect: 'manual',
      signal: controller.signal,
    });
    const bytes = await readBounded(response, maxAnswerBytes);
    if (!bytes) return { error: 'too-large', errorDetail: `an answer over ${maxAnswerBytes} bytes`, durationMs: durationMs() };
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name] = value));
    return { answer: { status: response.status, headers, body: new TextDecoder().decode(bytes) }, durationMs: durationMs() };
  } catch (error) {
    if (controller.signal.aborted) return { error: 'timeout', errorDetail: `no answer within ${timeoutMs} ms`, durationMs: durationMs() };
    const detail = describeFailure(error);
    return { error: CONNECTION_CODES.test(detail) ? 'connection' : 'failed', errorDetail: detail, durationMs: durationMs() };
  } finally {
    clearTimeout(timer);
  }
}
