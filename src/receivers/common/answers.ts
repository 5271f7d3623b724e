// Small helpers every tenant-side handler shares: JSON answers and query parameters. (Bodies are read, bounded,
// by request-body.ts; input is checked by core/validation's inputProblem.)

export const jsonResponse = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });

/** Query parameters as an object; values that look like integers stay strings (validators say what is wanted). */
export const queryOf = (request: Request): Record<string, string> => Object.fromEntries(new URL(request.url).searchParams);

/** Runs slow work after the answer, for runtimes that keep a request alive only with `waitUntil`. */
export type WaitUntil = (work: Promise<unknown>) => void;
