// Small helpers every tenant-side handler shares: JSON answers and checking input against the operation's
// validator generated from the spec. (Bodies are read, bounded, by body.ts.)
import { describeIssues, issuesText } from '../../core/validation/messages';
import type { RequestValidator } from '../../core/validation/types';

export const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });

/** `undefined` when the input is valid, else one message naming each field and its rule (never a value). */
export function inputProblem(validate: RequestValidator, input: { path?: object; query: object; body?: unknown }): string | undefined {
  if (validate({ path: {}, ...input })) return undefined;
  return issuesText(describeIssues(validate.errors ?? []));
}

/** Query parameters as an object; values that look like integers stay strings (validators say what is wanted). */
export const queryOf = (request: Request): Record<string, string> => Object.fromEntries(new URL(request.url).searchParams);

/** Runs slow work after the answer, for runtimes that keep a request alive only with `waitUntil`. */
export type WaitUntil = (work: Promise<unknown>) => void;
