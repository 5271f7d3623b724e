// Whether the tenant's answer to one of the CRM's calls is one the spec documents for it: a documented status,
// and a body that validates against that status's schema (the verifier's validators and violation wording).
import { MAX_DEPTH, tooDeep } from '../verify/call';
import { toViolations } from '../verify/violations';
import { resolveOperation, surfaceValidators } from './surfaces';
import type { CrmCallAnswer, CrmCallOutcome, CrmCallVerdict, CrmSurface } from './types';

const isSuccess = (status: number) => status >= 200 && status < 300;

export function judgeAnswer(surface: CrmSurface, operation: string, answer: CrmCallAnswer): CrmCallVerdict {
  const resolved = resolveOperation(surface, operation);
  if (!resolved) return { ok: false, problems: [`${operation} is not a ${surface} call the spec describes`] };
  const id = resolved.operation.id;
  const validators = surfaceValidators(surface);
  const { status } = answer;
  // The webhook spec documents 204, and says any 2xx tells the CRM the delivery succeeded: its body is not read.
  if (surface === 'webhooks' && isSuccess(status)) return { ok: true, problems: [] };
  const schema = validators.schemaOf(id, status);
  if (schema === undefined) return { ok: false, problems: [`status ${status} is not documented for ${id} (documented: ${validators.statuses(id).join(', ')})`] };
  const text = answer.body.trim();
  if (schema === null) return text === '' ? { ok: true, problems: [] } : { ok: false, problems: [`$: no body is documented for ${status}, and one came`] };
  if (text === '') return { ok: false, problems: [`$: a JSON body is documented for ${status}, and none came`] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const type = (answer.headers['content-type'] ?? 'no content type').split(';')[0]!.trim().slice(0, 80);
    return { ok: false, problems: [`$: must be JSON (came a ${type} body that is not JSON)`] };
  }
  if (tooDeep(value)) return { ok: false, problems: [`$: nested deeper than ${MAX_DEPTH} levels`] };
  const violations = toViolations(validators.check(id, status, value), value, { schema, resolve: validators.resolve, inferred: false });
  return { ok: violations.length === 0, problems: violations.map((v) => `${v.path}: ${v.rule} (expected ${v.expected}, came ${v.came})`) };
}

/** The verdict of an outcome: a call that got no answer breaks the spec (it documents an answer). */
export function judgeOutcome(surface: CrmSurface, operation: string, outcome: CrmCallOutcome): CrmCallVerdict {
  if (outcome.answer) return judgeAnswer(surface, operation, outcome.answer);
  return { ok: false, problems: [`no answer: ${outcome.error ?? 'failed'}${outcome.errorDetail ? ` (${outcome.errorDetail})` : ''}`] };
}
