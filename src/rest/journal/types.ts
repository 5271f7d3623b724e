// The intent journal's records and the one interface every store implements (memory, file, Redis, or your own
// database), a leaf. An intent is written down before a call that moves money or creates something is sent;
// its settlement once its outcome is known. What it keeps is what reconciliation needs and nothing secret:
// no header (so no API key or signature), no signing secret, no body field the spec marks `format: password`.
import type { Reconciliation } from '../../core/errors';

export type JournalOutcome = Reconciliation['outcome'];

/** One call that moves money or creates something, as it was about to be sent. */
export interface JournalIntent {
  /** Unique per call (a random UUID). */
  id: string;
  operationId: string;
  method: string;
  /** The path template, e.g. `/public/v1/mt4/accounts/{login}/deposit`. */
  path: string;
  /** The path's parameters, as the spec types them. */
  params: Record<string, string | number>;
  /** The field that identifies the call at the CRM (`x-reconcile-by`) and its value, e.g. `comment`. */
  reconcile?: { field: string; value: unknown };
  /** The body text as sent, less the fields named in `omitted`. */
  body?: string;
  /** Body fields left out because the spec marks them `format: password`: such a call is settled by look-up only. */
  omitted?: string[];
  /** When it was sent, on the client's clock (ms). */
  sentAt: number;
  /** Who holds the intent now: its sender while the call runs, then whoever claimed it to settle it. */
  holder: string;
  /** Until when (client clock, ms) the holder keeps it; after that anyone may claim it. */
  heldUntil: number;
}

/** What became of an intent, and how that was found out. */
export interface JournalSettlement {
  outcome: JournalOutcome;
  /** e.g. `answer` (the call's own answer), `not-sent`, or a reconcile strategy (`order-status`, …). */
  how: string;
  /** Statuses and records the CRM answered; never a secret, never a response body the caller got. */
  evidence: Record<string, unknown>;
  /** When it was recorded (client clock, ms). */
  at: number;
}

/** An intent with what the journal knows of it. */
export interface JournalEntry extends JournalIntent {
  /** Its outcome, once decided (`applied`, `not_applied`, `already_decided`); absent while it is open. */
  settlement?: JournalSettlement;
  /** The last attempt to settle it that ended `unknown` (the intent stays open). */
  lastAttempt?: JournalSettlement;
}

/**
 * Where intents are kept. Every step is atomic; `begin` resolves only once the intent is durable (the call is
 * not sent before). The rules every store keeps (intent-book.ts has them in one place):
 * - `claim` succeeds for an open intent whose hold has lapsed (`heldUntil <= now`) or that `holder` holds
 *   already (a renewal), and then sets `holder` and `heldUntil = until`;
 * - `settle` with `applied`, `not_applied` or `already_decided` closes the intent if it is open, and the first
 *   settlement wins (true only for that one); with `unknown` it keeps the intent open, remembers the attempt,
 *   and ends `holder`'s hold so another attempt may start at once (false).
 */
export interface Journal {
  begin(intent: JournalIntent): Promise<void>;
  claim(id: string, holder: string, now: number, until: number): Promise<boolean>;
  settle(id: string, holder: string, settlement: JournalSettlement): Promise<boolean>;
  /** The intents it still keeps: every open one, and settled ones for as long as the store keeps them. */
  entries(): Promise<JournalEntry[]>;
}
