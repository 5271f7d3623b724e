// A hold on an intent, renewed while its holder works on it: the sender while its call runs (retries and
// autoReconcile included), a recovery while it settles the intent. A holder that dies stops renewing, and its
// hold lapses: at any moment of the work the hold reaches at least `timeoutMs` further, so a dead sender's
// last attempt had its whole timeout before anyone else may look its call up or re-send it.
import type { Journal } from './types';

/** How far a hold reaches: one attempt's timeout plus the renewal period. */
export const holdMs = (timeoutMs: number): number => Math.ceil(timeoutMs * 1.5);

/** Renews `holder`'s hold on `id` every `timeoutMs / 2` (real time) until the returned function is called. */
export function keepHeld(journal: Journal, id: string, holder: string, clock: () => number, timeoutMs: number, warn?: (message: string) => void): () => void {
  const renew = () => {
    const now = clock();
    journal.claim(id, holder, now, now + holdMs(timeoutMs)).then(
      (held) => held || warn?.('crm journal: hold lost (another holder took the intent over)'),
      () => warn?.('crm journal: hold not renewed (the journal failed)'),
    );
  };
  const timer = setInterval(renew, Math.max(1, Math.floor(timeoutMs / 2)));
  // Never what keeps a process alive (Node; other runtimes have no unref).
  (timer as { unref?: () => void }).unref?.();
  return () => clearInterval(timer);
}
