// Errors this package throws. HTTP error answers are not thrown by default: they come back as openapi-fetch's
// `{ error, response }`, typed per operation (`throwOnError` or `unwrap()` turn them into `CrmApiError`).
import { redactSecretFields } from './redact';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/** The brand on this package's error prototypes, shared by every copy of the package in a process (`Symbol.for`). */
const BRAND = Symbol.for('crm-open-api.error');

/**
 * Base class of every error this package throws. `instanceof` also recognises an error from another build of
 * the same install (the CJS `require` and the ESM `import` of one package each define the classes): one check
 * here serves every class, by the names of the branded classes the value's prototypes belong to.
 */
export class CrmError extends Error {
  override name = 'CrmError';

  static override [Symbol.hasInstance](value: unknown): boolean {
    // Object() and getPrototypeOf never throw on a primitive or null; the walk ends at Object.prototype's null.
    let proto = Object(value) as { constructor: { name: string } } | null;
    while ((proto = Object.getPrototypeOf(proto)) && !(BRAND in proto && proto.constructor.name === this.name));
    return !!proto;
  }

  /** Marks the prototype chain as this package's (a method: it costs no instance a field). */
  [BRAND](): void {}

  /** `JSON.stringify` and `util.inspect` see the public fields only, with secret-named fields redacted. Never throws. */
  toJSON(): Record<string, unknown> {
    // Its own enumerable fields: `message` and `cause` are not ones (Error defines them non-enumerable), nor is
    // `request`; `name` is (a field), with the same value.
    try {
      return JSON.parse(JSON.stringify({ name: this.name, message: this.message, ...(this as object) }, redactSecretFields)) as Record<string, unknown>;
    } catch {
      // A field JSON cannot write (a hostile answer nested deeper than the stack allows, a cycle, a bigint, a
      // getter that throws): the error still prints, without its fields.
      return { name: this.name, message: this.message };
    }
  }

  // Node, Deno and Bun call this hook, and there an Error's `stack` is always set (its first line is name: message).
  [inspectSymbol](): string {
    return `${this.stack}\n${JSON.stringify(this, null, 2)}`;
  }
}

/** The request was refused before any byte was sent: the input breaks a rule. */
export class CrmValidationError extends CrmError {
  override name = 'CrmValidationError';
  constructor(
    message: string,
    /** Where the bad input is, e.g. `body.leverage`. */
    readonly field: string,
    /** The rule it breaks, e.g. `must be <= 5000`. */
    readonly rule: string,
    /** The operation the input was for, when known. */
    readonly operationId?: string,
  ) {
    super(message);
  }
}

/** No HTTP answer: the connection could not be made or was lost. */
export class CrmConnectionError extends CrmError {
  override name = 'CrmConnectionError';
  constructor(
    message: string,
    readonly operationId: string | undefined,
    /** True when the connection was refused before any byte was written: the CRM provably got nothing. */
    readonly notSent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** No complete HTTP answer within `timeoutMs` (per attempt: from sending until the whole body is read). */
export class CrmTimeoutError extends CrmError {
  override name = 'CrmTimeoutError';
  constructor(
    message: string,
    readonly operationId: string | undefined,
    readonly timeoutMs: number,
  ) {
    super(message);
  }
}

/**
 * The CRM (or something in front of it) answered with a redirect (3xx), which is never followed: `key`,
 * `signature` and the body stay with the origin you configured. `targetOrigin` is where it pointed (scheme,
 * host and port only; never its path or query), undefined when the answer did not say.
 */
export class CrmRedirectError extends CrmError {
  override name = 'CrmRedirectError';
  constructor(
    message: string,
    readonly operationId: string | undefined,
    /** The redirect's status (301, 302, 303, 307, 308…); 0 for a browser's opaque redirect. */
    readonly status: number,
    readonly targetOrigin: string | undefined,
  ) {
    super(message);
  }
}

/**
 * An answer came back but cannot be used: a 2xx whose body is not JSON (an HTML error page, a truncated
 * body), or a body larger than `maxResponseBytes` (cut off while reading). The body is never quoted.
 */
export class CrmUnreadableResponseError extends CrmError {
  override name = 'CrmUnreadableResponseError';
  constructor(
    message: string,
    readonly operationId: string | undefined,
    readonly status: number,
    /** `not-json`: a 2xx body that does not parse; `too-large`: more than `maxResponseBytes`. */
    readonly reason: 'not-json' | 'too-large',
  ) {
    super(message);
  }
}

/** The request an ambiguous outcome is about, exactly as it was sent (kept out of logs, JSON and inspect). */
export interface SentRequest {
  method: string;
  url: string;
  /** The body text sent, when there was one. */
  body?: string;
  /** When the first attempt started, on the client's clock (ms). */
  sentAt: number;
  /** That clock, when the client was given one (`clock`): `reconcile` reads the window on it. */
  clock?: () => number;
}

/** What reconciliation found out about a request whose answer was lost (see `reconcile`). */
export interface Reconciliation {
  /**
   * `applied`: it took effect exactly once; `not_applied`: it provably did not; `already_decided`: the
   * withdrawal request had been decided before (by the lost call or by someone else); `unknown`: the
   * documented calls could not tell.
   */
  outcome: 'applied' | 'not_applied' | 'already_decided' | 'unknown';
  /** How it was found out, e.g. `resent-within-repeat-window`, `order-status`, `transactions-report`. */
  how: string;
  /** What the CRM answered to the look-up or the re-send (statuses, records; never a secret). */
  evidence: Record<string, unknown>;
  /**
   * The answer the call settles to, when one is known: the re-send's own answer, or the documented success
   * when a look-up proved it applied. `autoReconcile` returns it as the call's answer.
   */
  result?: { status: number; body?: unknown };
}

/**
 * A request that moves money or creates something was sent and no definitive answer came back (lost
 * connection, timeout, 429 or 5xx, a redirect, or an answer that cannot be read: `cause` then is the
 * CrmRedirectError or CrmUnreadableResponseError). It was NOT re-sent: settle it with `reconcile(crm, error)` (or the
 * client's `autoReconcile`) before trying again.
 */
export class CrmAmbiguousOutcomeError extends CrmError {
  override name = 'CrmAmbiguousOutcomeError';
  /** Set when reconciliation ran (by `autoReconcile`) and could not settle the outcome. */
  reconciliation?: Reconciliation;
  /** The request as sent: not enumerable, so it never reaches a log line, JSON or `util.inspect`. */
  declare readonly request: SentRequest | undefined;
  constructor(
    message: string,
    readonly operationId: string,
    /** The field that identifies the request at the CRM and its value, e.g. `{ field: 'comment', value: 'dep-42' }`. */
    readonly reconcile: { field: string; value: unknown } | undefined,
    /** The HTTP status when an indefinite answer (429, 5xx, 3xx, an unreadable 2xx) came back; undefined when none did. */
    readonly status: number | undefined,
    options?: { cause?: unknown; request?: SentRequest },
  ) {
    super(message, options);
    Object.defineProperty(this, 'request', { value: options?.request, enumerable: false });
  }
}

/** Reconciliation proved that a request whose answer was lost did not take effect (`reconciliation` says how). */
export class CrmNotAppliedError extends CrmError {
  override name = 'CrmNotAppliedError';
  constructor(
    message: string,
    readonly operationId: string,
    readonly reconcile: { field: string; value: unknown } | undefined,
    readonly reconciliation: Reconciliation,
  ) {
    super(message);
  }
}

/**
 * The client's `journal` could not write down the intent of a call that moves money or creates something, so
 * the call was NOT sent (the cause says why: a full disk, the store unreachable). It is safe to try again.
 */
export class CrmJournalError extends CrmError {
  override name = 'CrmJournalError';
  constructor(
    message: string,
    readonly operationId: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An HTTP error answer, thrown only with `throwOnError: true` or `unwrap()`. */
export class CrmApiError extends CrmError {
  override name = 'CrmApiError';
  constructor(
    message: string,
    readonly status: number,
    /** The error body's `type` (e.g. `invalid_api_key`), when it has one. */
    readonly type: string | undefined,
    /** The parsed error body (or its text when it is not JSON), with the client's secrets redacted. */
    readonly body: unknown,
    readonly operationId: string | undefined,
  ) {
    super(message);
  }
}

// Client OAuth: the server's refusals, a failed sign-in redirect, and "sign in again".

/** The OAuth API refused a call: `error` (e.g. `invalid_grant`) and the vendor's `errorDescription`. */
export class OAuthError extends CrmError {
  override name = 'OAuthError';
  constructor(
    message: string,
    readonly error: string,
    readonly errorDescription: string | undefined,
    readonly status: number,
    readonly operationId: string,
  ) {
    super(message);
  }
}

/** The sign-in redirect came back with `error` / `error_description`, or it is not ours (`state`). */
export class OAuthLoginError extends CrmError {
  override name = 'OAuthLoginError';
  constructor(
    message: string,
    /** The portal's `error` (`invalid_request`, `unauthorized_client`, …), or `state_mismatch` / `missing_code`. */
    readonly error: string,
    readonly errorDescription?: string,
  ) {
    super(message);
  }
}

/** The refresh token was refused (expired, revoked, rotated elsewhere): the user must sign in again. */
export class SignInRequiredError extends CrmError {
  override name = 'SignInRequiredError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

// Webhooks: a delivery that is not the CRM's (signature) or not an event (payload).

export type WebhookVerificationReason = 'missing_signature' | 'invalid_signature' | 'invalid_payload';

/** `verifyWebhook` refused a delivery: `reason` says whether the signature or the payload was wrong. */
export class WebhookVerificationError extends CrmError {
  override name = 'WebhookVerificationError';
  constructor(
    message: string,
    readonly reason: WebhookVerificationReason,
  ) {
    super(message);
  }
}
