// Running the tenant's code with a deadline: it gets an AbortSignal that fires when the deadline passes, and
// the caller learns in time whether it finished, failed or timed out.

export class DeadlineExceededError extends Error {
  override name = 'DeadlineExceededError';
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown; timedOut: boolean };

export async function withDeadline<T>(work: (signal: AbortSignal) => Promise<T> | T, ms: number): Promise<Settled<T>> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => {
      const error = new DeadlineExceededError(`did not finish within ${ms} ms`);
      controller.abort(error);
      resolve({ ok: false, error, timedOut: true });
    }, ms);
  });
  const run = (async (): Promise<Settled<T>> => {
    try {
      return { ok: true, value: await work(controller.signal) };
    } catch (error) {
      return { ok: false, error, timedOut: false };
    }
  })();
  try {
    return await Promise.race([run, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
