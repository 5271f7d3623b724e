// Running the tenant's code at most once per key (a webhook delivery, a wallet order_id): the key is claimed in
// the de-duplication store before the code runs and settled by how the code actually ended, even long after
// its deadline: completed when it did its work, released when it did not. So a resend while it runs is refused,
// and a resend after it is run only if nothing was done. The store is bounded by the same deadline as the code.
import { withDeadline, type Outcome } from './deadline';
import type { DedupeStore } from './dedupe';
import type { WaitUntil } from './answers';

export type Once<T> =
  /** Done before: acknowledge without running. */
  | { state: 'done' }
  /** Being run right now, here or by another instance: refuse, so that it is sent again later. */
  | { state: 'pending' }
  /** The store failed or did not answer within the deadline: nothing ran. */
  | { state: 'store-failed' }
  /** The work ended within its deadline, and the key was settled. */
  | { state: 'ran'; outcome: Outcome<T> }
  /** The work missed its deadline and may still be running: the key stays claimed until it ends. */
  | { state: 'timed-out'; error: unknown };

export interface OnceOptions<T> {
  store: DedupeStore | undefined;
  key: string;
  /** The call's deadline, shared by the claim and the work. */
  timeoutMs: number;
  /** How long the claim of a process that died may block the key. */
  claimTtlMs: number;
  /** How long a done key is remembered. */
  doneTtlMs: number;
  /** Whether the work's value means it did its work (default: any value), so the key is completed, not freed. */
  did?: (value: T) => boolean;
  /** Called once the work did its work (in time or late), after the key was completed. */
  afterDone?: (value: T) => void;
  /** Told of the store's failures, by step: `dedupe-claim`, `dedupe-complete`, `dedupe-release`. */
  report: (error: unknown, step: string) => void;
  /** Keeps a late settling alive on runtimes that need it. */
  waitUntil?: WaitUntil;
}

/** Answering waits this long at least for the store to settle a key, even when the work used the whole deadline. */
const SETTLE_MS = 500;

export async function runOnce<T>(work: (signal: AbortSignal) => Promise<T> | T, options: OnceOptions<T>): Promise<Once<T>> {
  const { store, key, report } = options;
  const started = Date.now();
  if (store) {
    const claim = await withDeadline(() => store.claim(key, options.claimTtlMs), options.timeoutMs);
    if (!claim.ok) {
      // A claim that lands after this call gave up on it belongs to nobody: free it at once.
      if (claim.timedOut) void claim.later.then((late) => (late.ok && late.value === 'claimed' ? store.release(key) : undefined)).catch(() => undefined);
      report(claim.error, 'dedupe-claim');
      return { state: 'store-failed' };
    }
    if (claim.value === 'done' || claim.value === 'pending') return { state: claim.value };
  }
  /** Completes or releases the key by how the work ended (within `ms`, when given), then calls afterDone. */
  const settle = async (outcome: Outcome<T>, ms?: number) => {
    const done = outcome.ok && (options.did?.(outcome.value) ?? true);
    if (store) {
      const step = done ? 'dedupe-complete' : 'dedupe-release';
      const change = () => (done ? store.complete(key, options.doneTtlMs) : store.release(key));
      const changed = await withDeadline(change, ms);
      if (!changed.ok) report(changed.error, step);
    }
    if (done && outcome.ok) options.afterDone?.(outcome.value);
  };
  const settled = await withDeadline(work, Math.max(1, options.timeoutMs - (Date.now() - started)));
  if (!settled.ok && settled.timedOut) {
    // It may still do its work: the key stays claimed (renewed by the store) until it ends either way.
    const late = settled.later.then((outcome) => settle(outcome)).catch((error: unknown) => report(error, 'dedupe-settle'));
    options.waitUntil?.(late);
    return { state: 'timed-out', error: settled.error };
  }
  await settle(settled, Math.max(SETTLE_MS, options.timeoutMs - (Date.now() - started)));
  return { state: 'ran', outcome: settled };
}
