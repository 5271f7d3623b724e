// The optional `logger` option: request/response summaries, never a secret (headers are redacted and no body
// is logged). `console` fits; so do pino and winston loggers.

export interface CrmLogDetails {
  operationId?: string;
  method: string;
  /** Path template, e.g. `/public/v1/users/{id}`; never the query (it may carry personal data). */
  path: string;
  attempt: number;
  headers?: Record<string, string>;
  status?: number;
  durationMs?: number;
  delayMs?: number;
  reason?: string;
}

export interface CrmLogger {
  debug?(message: string, details: CrmLogDetails): void;
  info?(message: string, details: CrmLogDetails): void;
  warn?(message: string, details: CrmLogDetails): void;
  error?(message: string, details: CrmLogDetails): void;
}
