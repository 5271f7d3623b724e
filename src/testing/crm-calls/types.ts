// The CRM's side of one call to a server the tenant wrote, for the four surfaces the tenant serves:
//
//   buildCrmCall({ surface, operation, baseUrl, secrets, body?, params? }) → Promise<CrmCallRequest>
//     `operation` is an operationId (`getPaymentUrl`, `getExternalRate`, `creditExternalWallet`…) or, for
//     webhooks, an event name (`users.create`, `crm.webhooks.requests.withdrawal.approve.node.2`, or the
//     operationId `receiveUserCreated`). The body defaults to the spec's example (`webhookBody` builds an event
//     from the example with its `data` overridden); `params` override the example's query parameters.
//     Signed as the CRM signs: webhooks `X-Crm-Signature: sha256=<HMAC-SHA256 of the exact bytes>`; PSP
//     `crm-pay-token` header and body `sign`; rates `key`; wallets `key` and, with a body, `signature`.
//   sendCrmCall(request, { timeoutMs = 5000, maxAnswerBytes = 1 MiB }) → Promise<CrmCallOutcome>
//     One attempt, never re-sent, never following a redirect, bounded in time (headers and body) and size.
//   judgeAnswer(surface, operation, answer) → CrmCallVerdict  ({ ok, problems })
//     Whether the status is documented for the operation and the body validates against its schema.
//   recordCrmCall / redactCrmCall → CrmCallRecord: what GET /__sandbox/calls, `trigger` and `check` show.
export type CrmSurface = 'webhooks' | 'psp' | 'exchange-rates' | 'external-wallets';

export const CRM_SURFACES: readonly CrmSurface[] = ['webhooks', 'psp', 'exchange-rates', 'external-wallets'];

export interface CrmCallSecrets {
  /** The webhook's secret token: the HMAC key of `X-Crm-Signature`. */
  webhookSecret?: string;
  /** The PSP's `crm-pay-token`: a header, and the key of the body's `sign`. */
  crmPayToken?: string;
  /** The rate API's key, sent as the `key` header. */
  ratesKey?: string;
  /** The wallet service's API key: the `key` header and the key of the `signature` header. */
  walletsKey?: string;
}

export interface BuildCrmCallInput {
  surface: CrmSurface;
  /** An operationId, or for webhooks an event name (with or without `crm.webhooks.`; an approval may name its node). */
  operation: string;
  /** The URL configured in the back office: the webhook URL itself, or the base the path is appended to. */
  baseUrl: string;
  secrets: CrmCallSecrets;
  /** The JSON body (default: the spec's example); signed as given. */
  body?: unknown;
  /** Query parameters, over the spec's example ones. */
  params?: Record<string, string>;
}

export interface CrmCallRequest {
  surface: CrmSurface;
  /** The operationId (for webhooks the event's, e.g. `receiveWithdrawalApproved`). */
  operation: string;
  /** For webhooks: the event slug sent, e.g. `crm.webhooks.requests.withdrawal.approve.node.1`. */
  event?: string;
  method: string;
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** The exact bytes sent (and signed), as text; in the sandbox's calls log, at most its first 64 KiB. */
  body?: string;
  /** In the sandbox's calls log: the body was cut to 64 KiB, of `bodyBytes` bytes. */
  bodyTruncated?: true;
  bodyBytes?: number;
}

export interface CrmCallAnswer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** The body as text (at most `maxAnswerBytes`; in the sandbox's calls log, at most its first 64 KiB). */
  body: string;
  /** In the sandbox's calls log: the body was cut to 64 KiB, of `bodyBytes` bytes (the verdict judged them all). */
  bodyTruncated?: true;
  bodyBytes?: number;
}

/** Why no answer was read: no answer in time, no connection, an answer over the size bound, anything else. */
export type CrmCallError = 'timeout' | 'connection' | 'too-large' | 'failed';

export interface CrmCallOutcome {
  answer?: CrmCallAnswer;
  error?: CrmCallError;
  /** A sentence about the error (its kind and cause code), never a header or a body. */
  errorDetail?: string;
  durationMs: number;
}

export interface CrmCallVerdict {
  /** The answer's status is documented for the operation and its body matches the schema documented for it. */
  ok: boolean;
  /** What does not match, one sentence each (`$.data.url: must be a string (expected string, came absent)`). */
  problems: string[];
}

export interface SendCrmCallOptions {
  /** Headers and body (default 5000: the CRM's timeout; see DEFAULT_CRM_TIMEOUT_MS). */
  timeoutMs?: number;
  /** The largest answer read (default 1 MiB); a larger one is the error `too-large`. */
  maxAnswerBytes?: number;
}

/** One call as recorded: the request with its secrets redacted, what came back, and the verdict. */
export interface CrmCallRecord {
  /** Sequence number, from 1. */
  id: number;
  surface: CrmSurface;
  operation: string;
  request: CrmCallRequest;
  answer?: CrmCallAnswer;
  error?: CrmCallError;
  errorDetail?: string;
  durationMs: number;
  verdict: CrmCallVerdict;
}
