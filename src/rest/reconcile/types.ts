// What reconcile() and its strategies share, a leaf: the options, and what a strategy is given.
import type { Reconciliation, SentRequest } from '../../core/errors';
import type { CrmLogger } from '../../core/logger';
import type { OperationEntry } from '../../core/validation/types';
import type { CrmClient, ReconcileSettings } from '../types';

export interface ReconcileOptions extends ReconcileSettings {
  /** The clock the error's `sentAt` was read from (ms); default the `clock` of the client given, else of the client that threw the error, else Date.now. */
  now?: () => number;
  logger?: CrmLogger;
}

/** A call whose outcome is to be found out, read back into its parts: from a lost request, or a journal's intent. */
export interface UnsettledCall {
  method: string;
  /** The path's parameters (text, as in a URL, or as the spec types them). */
  path: Record<string, string | number>;
  /** The body text sent, when there was one. */
  body?: string;
  /** When it was first sent, on the clock `now` reads (ms). */
  sentAt: number;
  /** False when the body kept lacks fields a re-send needs (the journal keeps no password): look-ups only. */
  resendable?: boolean;
  /** The status the lost attempt was answered with (429, 5xx), when one came back; none for a timeout or reset. */
  answeredStatus?: number;
}

/** What a strategy gets: the lost request, read back into its parts, and a way to call the CRM. */
export interface LostRequest {
  operation: OperationEntry;
  sent: Pick<SentRequest, 'method' | 'body' | 'sentAt'>;
  path: Record<string, string | number>;
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** See UnsettledCall. */
  answeredStatus?: number;
  /** The same call again, through the client (signed, validated); `undefined` when its answer was lost too. */
  resend(): Promise<{ status: number; data?: unknown; error?: unknown; response: Response } | undefined>;
  crm: CrmClient;
  options: Required<Pick<ReconcileOptions, 'now' | 'safetyMarginMs' | 'attempts' | 'settleWindowMs'>>;
  log(step: string, details?: { status?: number; reason?: string }): void;
}

export type Strategy = (lost: LostRequest) => Promise<Reconciliation>;
