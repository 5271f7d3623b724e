// One operation's verdict, from what its call brought back and what the spec documents for it.
import type { CallOutcome } from './call';
import type { ResponseValidators } from './response-validators';
import type { OperationResult, Verdict } from './types';
import { toViolations } from './violations';

/** Statuses that say "not now" rather than anything about the operation: the CRM could not be checked. */
const UNAVAILABLE = new Set([502, 503, 504]);
/** The violations told per operation; a body broken everywhere says so in one line for the rest. */
const MOST_VIOLATIONS = 50;
/** 403s that refuse this run's credentials: the operation itself was never reached. */
const CREDENTIALS_REFUSED = new Set(['invalid_api_key', 'invalid_signature']);

export type Judged = Pick<OperationResult, 'verdict' | 'status' | 'violations' | 'reason'>;

export function judge(operationId: string, inferred: boolean, outcome: CallOutcome, validators: ResponseValidators): Judged {
  if ('refused' in outcome) return { verdict: 'skipped', violations: [], reason: `not sent: ${outcome.refused}` };
  if ('failure' in outcome) return { verdict: 'unreachable', violations: [], reason: outcome.failure };
  const { status, body } = outcome.answer;
  const documented = validators.statuses(operationId);
  const unresent = outcome.notResent ? ' (a write: never re-sent; look for its effect at the test user)' : '';
  const result = (verdict: Verdict, reason?: string, violations: OperationResult['violations'] = []): Judged => ({ verdict, status, violations, ...(reason ? { reason } : {}) });

  if (status === 429) return result('unreachable', `rate-limited: answered 429${unresent}`);
  const schema = validators.schemaOf(operationId, status);
  if (schema === undefined) {
    if (UNAVAILABLE.has(status)) return result('unreachable', `the CRM answered ${status} (unavailable)${unresent}`);
    if (inferred && (status === 404 || status === 405)) return result('refuted-guess', `answered ${status}: the inferred ${status === 404 ? 'path' : 'method'} is not the CRM's (documented: ${documented.join(', ')})`);
    return result('undocumented-status', `answered ${status}; documented: ${documented.join(', ')}${unresent}`);
  }
  const type = body.kind === 'json' && body.value !== null && typeof body.value === 'object' ? (body.value as { type?: unknown }).type : undefined;
  if (status === 403 && typeof type === 'string' && CREDENTIALS_REFUSED.has(type)) return result('unreachable', `the CRM refused this run's credentials (403 ${type}): check the API key, the signing secret and the signature scheme`);
  if (body.kind === 'unchecked') return result('unreachable', `not checked: ${body.why}`);

  let violations: OperationResult['violations'];
  if (schema === null) {
    violations = body.kind === 'none' ? [] : [{ path: '$', rule: 'no body is documented', expected: 'no body', came: body.kind === 'json' ? 'a JSON body' : `a ${body.contentType} body`, guess: inferred }];
  } else if (body.kind === 'none') {
    violations = [{ path: '$', rule: 'a JSON body is documented', expected: 'a JSON body', came: 'no body', guess: inferred }];
  } else if (body.kind === 'text') {
    violations = [{ path: '$', rule: 'must be JSON', expected: 'a JSON body', came: `a ${body.contentType} body that is not JSON`, guess: inferred }];
  } else {
    violations = toViolations(validators.check(operationId, status, body.value), body.value, { schema, resolve: validators.resolve, inferred });
  }
  if (violations.length === 0) return result(inferred ? 'confirmed-guess' : 'conforms');
  // A documented operation whose answer breaks only guessed fields refutes those guesses; any other break is drift.
  const verdict = violations.every((v) => v.guess) ? 'refuted-guess' : 'drift';
  const more = violations.length - MOST_VIOLATIONS;
  return result(verdict, more > 0 ? `${more} more violation(s) not listed` : undefined, violations.slice(0, MOST_VIOLATIONS));
}
