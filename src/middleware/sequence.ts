import type { Middleware } from 'openapi-fetch';

type RequestStep = NonNullable<Extract<Middleware, { onRequest: unknown }>['onRequest']>;
/** A middleware that acts on requests only: what `sequence` runs. */
export type RequestMiddleware = { onRequest: RequestStep };
type Params = Parameters<RequestStep>[0];
type Outcome = Awaited<ReturnType<RequestStep>>;

const isPromise = (value: unknown): value is Promise<Outcome> => typeof (value as Promise<unknown> | undefined)?.then === 'function';

/**
 * Request middlewares run as one. openapi-fetch awaits every middleware's answer; this awaits only answers
 * that are promises, so steps that finish at once (all of a GET's) take no extra turns of the event loop.
 * A step may return a new Request (the next steps get it) or a Response (the rest are skipped).
 */
export function sequence(...steps: RequestMiddleware[]): Middleware {
  const run = (params: Params, from: number): Outcome | Promise<Outcome> => {
    for (let index = from; index < steps.length; index++) {
      const outcome = steps[index]!.onRequest(params);
      if (isPromise(outcome)) return outcome.then((settled) => (next(params, settled) ?? run(params, index + 1)));
      const answer = next(params, outcome);
      if (answer) return answer;
    }
    return params.request;
  };
  // A Response ends the sequence; a Request replaces the one the next steps see.
  const next = (params: Params, outcome: Outcome): Response | undefined => {
    if (outcome instanceof Response) return outcome;
    if (outcome instanceof Request) (params as { request: Request }).request = outcome;
    return undefined;
  };
  // openapi-fetch makes `params` afresh for each call of each middleware: the steps may share it.
  return { onRequest: (params) => run(params, 0) };
}
