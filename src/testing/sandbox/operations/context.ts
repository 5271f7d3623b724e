// What every operation handler of the sandbox gets and gives back. Handlers are synchronous: each call's
// state change is one step, so a fault "after commit" always finds it complete and one "before" finds none.
import type { VirtualClock } from '../clock';
import type { SandboxOperation } from '../spec-index';
import type { SandboxState } from '../state';
import type { SandboxEvent } from '../webhook-events';

export interface SandboxCall {
  op: SandboxOperation;
  path: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  query: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface SandboxContext {
  state: SandboxState;
  clock: VirtualClock;
  /** Queues a webhook delivery (sent after the answer, when a webhook URL is configured). */
  emit(event: SandboxEvent): void;
}

export interface SandboxAnswer {
  status: number;
  body?: unknown;
}

export type OperationHandler = (call: SandboxCall, context: SandboxContext) => SandboxAnswer;

/** A documented error answer (with a `detail` when one helps); throws when the operation does not document that status and `type`. */
export function refuse(op: SandboxOperation, status: number, type: string, detail?: string): SandboxAnswer {
  const documented = op.errors[status];
  if (!documented || (documented !== '*' && !documented.has(type))) {
    throw new Error(`sandbox bug: ${op.id} does not document ${status} ${type}`);
  }
  return { status, body: detail === undefined ? { type } : { type, detail } };
}

/** The operation's first documented success, with its example body. */
export const exampleAnswer = (op: SandboxOperation): SandboxAnswer => ({ status: op.example.status, body: op.example.body });

/** A `skip`/`limit` page of `items` (limit 0 or absent: everything after skip). */
export function page<T>(items: T[], skip: unknown, limit: unknown): { count: number; records: T[] } {
  const from = typeof skip === 'number' ? skip : 0;
  const size = typeof limit === 'number' && limit > 0 ? limit : items.length;
  return { count: items.length, records: items.slice(from, from + size) };
}

/** Drops undefined fields, so an answer carries only what the sandbox knows. */
export const defined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
