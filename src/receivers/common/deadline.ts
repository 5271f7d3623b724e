// Running the tenant's code with a deadline: it gets an AbortSignal that fires when the deadline passes, and
// the caller learns in time whether it finished, failed or timed out.

/** The default deadline of a tenant's callback: inside the 5 seconds the CRM waits for an answer. */
export const DEFAULT_DEADLINE_MS = 4000;

export class DeadlineExceededError extends Error {
  override name = 'DeadlineExceededError';
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown; timedOut: false };
export type Settled<T> = Outcome<T> | { ok: false; error: unknown; timedOut: true; /** How the work itself ended, once it does. */ later: Promise<Outcome<T>> };

/** Runs `work` within `ms` (no deadline when `ms` is undefined: then it settles as the work ends). */
export async function withDeadline<T>(work: (signal: AbortSignal) => Promise<T> | T, ms?: number): Promise<Settled<T>> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = (async (): Promise<Outcome<T>> => {
    try {
      return { ok: true, value: await work(controller.signal) };
    } catch (error) {
      return { ok: false, error, timedOut: false };
    }
  })();
  const deadline = new Promise<Settled<T>>((resolve) => {
    if (ms === undefined) return;
    timer = setTimeout(() => {
      const error = new DeadlineExceededError(`did not finish within ${ms} ms`);
      controller.abort(error);
      resolve({ ok: false, error, timedOut: true, later: run });
    }, ms);
  });
  try {
    return await Promise.race([run, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
