// One case of the kit: what it sends and what it expects of the answers, judged by small shared rules (a
// refusal must be a 4xx, a documented call must answer what the spec documents), every exchange recorded
// so the run can say how long each answer took.
import { tooDeep } from '../verify/call';
import type { Answered, Exchange, KitRequest } from './send';
import type { CaseGroup, CaseResult } from './types';

/** What a case body sees: a sender that records every exchange, and the surface's well-formed calls. */
export interface CaseContext<Call> {
  send(request: KitRequest): Promise<Exchange>;
  /** The well-formed, signed request of a call of the surface (the spec's example, `overrides` applied). */
  build(call: Call): Promise<KitRequest>;
  /** What is wrong with an answer to `operationId` against the spec (none: it is documented and validates). */
  judge(operationId: string, exchange: Answered): string[];
}

export type CaseOutcome = Pick<CaseResult, 'verdict' | 'problems'> & Partial<Pick<CaseResult, 'severity' | 'reason' | 'status'>>;

export interface KitCase<Call> {
  id: string;
  group: CaseGroup;
  title: string;
  /** Why the case does not run with these options (money without `allowWrites`/`testUser`, a `sign` mode). */
  skip?: string;
  run(context: CaseContext<Call>): Promise<CaseOutcome>;
}

export const passed = (status?: number): CaseOutcome => ({ verdict: 'passed', problems: [], ...(status === undefined ? {} : { status }) });
export const failed = (reason: string, more: Partial<CaseOutcome> = {}): CaseOutcome => ({ verdict: 'failed', problems: [], reason, ...more });

/** The exchange as a status, or the failure that there was none (no case passes without an answer). */
export const answered = (exchange: Exchange): exchange is Answered => 'status' in exchange;

/** The answer's JSON body; undefined when it has none, is not JSON, or nests deeper than any documented answer. */
export function answerJson(exchange: Answered): unknown {
  try {
    const value: unknown = JSON.parse(exchange.body);
    return tooDeep(value) ? undefined : value;
  } catch {
    return undefined;
  }
}


/**
 * A call the CRM never sends must be refused with a 4xx: a 2xx accepted it (the most serious failure: a forged
 * or unauthenticated call went through), a 5xx or no answer is not a refusal the CRM can tell from an outage.
 */
export function expectRefused(exchange: Exchange, what: string, { critical }: { critical: boolean }): CaseOutcome {
  if (!answered(exchange)) return failed(`${exchange.failure} (${what} must be refused with a 4xx)`);
  const { status } = exchange;
  if (status >= 200 && status < 300) return failed(`accepted ${what} (${status}); it must be refused with a 4xx`, { status, ...(critical ? { severity: 'critical' } : {}) });
  if (status >= 400 && status < 500) return passed(status);
  return failed(`answered ${status} to ${what}; a refusal is a 4xx${status >= 500 ? ', never a 5xx' : ''}`, { status });
}

/** An answer to a well-formed call: one of `accept`, and its body as the spec documents it. */
export function expectDocumented(context: Pick<CaseContext<unknown>, 'judge'>, operationId: string, exchange: Exchange, accept: (status: number) => boolean, what: string): CaseOutcome {
  if (!answered(exchange)) return failed(exchange.failure);
  const problems = context.judge(operationId, exchange);
  if (!accept(exchange.status)) return failed(`answered ${exchange.status} to ${what}`, { status: exchange.status, problems });
  if (problems.length) return failed(`the answer breaks the spec of ${operationId}`, { status: exchange.status, problems });
  return passed(exchange.status);
}

export const is2xx = (status: number) => status >= 200 && status < 300;
