// The kit's sender: crm-calls' sendCrmCall (one attempt, no redirect followed, the answer bounded in size and
// time), waiting up to `giveUpMs` so that an answer slower than the CRM's timeout is still measured and told
// apart from none at all.
import { sendCrmCall, type CrmCallAnswer, type CrmCallRequest } from '../crm-calls';

/** A request of the kit: one crm-calls builds, or a variation of one (its headers or body changed). */
export type KitRequest = CrmCallRequest;

/** An answer (as crm-calls' judgeAnswer reads one) and how long the exchange took. */
export type Answered = CrmCallAnswer & { durationMs: number };

export type Exchange =
  | Answered
  /** No answer: no connection, nothing within `giveUpMs`, an answer over the size bound (a sentence, never a secret). */
  | { failure: string; durationMs: number; /** Nothing at all came within `giveUpMs` (not even a status line). */ timedOut?: true };

export async function sendKitRequest(request: KitRequest, giveUpMs: number): Promise<Exchange> {
  const outcome = await sendCrmCall(request, { timeoutMs: giveUpMs });
  if (outcome.answer) return { ...outcome.answer, durationMs: outcome.durationMs };
  return { failure: `no answer: ${outcome.errorDetail ?? outcome.error ?? 'failed'}`, durationMs: outcome.durationMs, ...(outcome.error === 'timeout' ? { timedOut: true as const } : {}) };
}
