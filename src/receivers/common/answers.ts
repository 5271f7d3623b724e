// Small helpers every tenant-side handler shares: JSON answers and query parameters. (Bodies are read, bounded,
// by request-body.ts; input is checked by core/validation's inputProblem.)

/** A JSON answer (`content-type: application/json`; JSON is UTF-8 by definition, so no charset is named). */
export const jsonResponse = (status: number, body: unknown): Response => Response.json(body, { status });

/** An answer with no body (a 204, an acknowledgement). */
export const emptyResponse = (status: number): Response => new Response(null, { status });

/** Query parameters as an object; values that look like integers stay strings (validators say what is wanted). */
export const queryOf = (request: Request): Record<string, string> => Object.fromEntries(new URL(request.url).searchParams);

/** Runs slow work after the answer, for runtimes that keep a request alive only with `waitUntil`. */
export type WaitUntil = (work: Promise<unknown>) => void;
