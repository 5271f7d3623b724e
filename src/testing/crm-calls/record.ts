// The record of one call as the sandbox, `trigger` and `check` show it: every secret the call carries
// (the `key`, the token, the signatures, the body's `sign`) replaced, so a record can be printed or stored.
import { REDACTED, isSecretName } from '../../core/redact';
import { isPlainObject } from '../../core/plain-object';
import { judgeOutcome } from './judge';
import type { CrmCallOutcome, CrmCallRecord, CrmCallRequest } from './types';

/** The request with its secret headers and body fields (`sign`) redacted. */
export function redactCrmCall(request: CrmCallRequest): CrmCallRequest {
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, isSecretName(name) ? REDACTED : value]));
  let body = request.body;
  if (body !== undefined) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (isPlainObject(parsed) && Object.keys(parsed).some(isSecretName)) {
        body = JSON.stringify(Object.fromEntries(Object.entries(parsed).map(([name, value]) => [name, isSecretName(name) ? REDACTED : value])));
      }
    } catch {
      // Not JSON: the CRM's calls always are; a caller's own bytes are kept as given.
    }
  }
  return { ...request, headers, ...(body === undefined ? {} : { body }) };
}

/** The record of a call and its outcome, judged against the spec. */
export function recordCrmCall(id: number, request: CrmCallRequest, outcome: CrmCallOutcome): CrmCallRecord {
  return {
    id,
    surface: request.surface,
    operation: request.operation,
    request: redactCrmCall(request),
    ...(outcome.answer ? { answer: outcome.answer } : {}),
    ...(outcome.error ? { error: outcome.error } : {}),
    ...(outcome.errorDetail ? { errorDetail: outcome.errorDetail } : {}),
    durationMs: outcome.durationMs,
    verdict: judgeOutcome(request.surface, request.event ?? request.operation, outcome),
  };
}
