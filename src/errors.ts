// Errors this package throws. HTTP error answers are not thrown by default: they come back as openapi-fetch's
// `{ error, response }`, typed per operation (`throwOnError` or `unwrap()` turn them into `CrmApiError`).
import { redactValue } from './redact';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/** Base class of every error this package throws. */
export class CrmError extends Error {
  override name = 'CrmError';

  /** `JSON.stringify` and `util.inspect` see the public fields only, with secret-named fields redacted. */
  toJSON(): Record<string, unknown> {
    const own = Object.fromEntries(Object.entries(this).filter(([key]) => key !== 'cause'));
    return redactValue({ name: this.name, message: this.message, ...own }) as Record<string, unknown>;
  }

  [inspectSymbol](): string {
    return `${this.stack ?? `${this.name}: ${this.message}`}\n${JSON.stringify(this.toJSON(), null, 2)}`;
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

/** No HTTP answer within `timeoutMs` (per attempt). */
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
 * A request that moves money or creates something was sent and no definitive answer came back (lost
 * connection, timeout, 429 or 5xx). It was NOT re-sent: look it up by `reconcile` before trying again.
 */
export class CrmAmbiguousOutcomeError extends CrmError {
  override name = 'CrmAmbiguousOutcomeError';
  constructor(
    message: string,
    readonly operationId: string,
    /** The field that identifies the request at the CRM and its value, e.g. `{ field: 'comment', value: 'dep-42' }`. */
    readonly reconcile: { field: string; value: unknown } | undefined,
    /** The HTTP status when an indefinite answer (429, 5xx) came back; undefined when none did. */
    readonly status: number | undefined,
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
    /** The parsed error body (or its text when it is not JSON). */
    readonly body: unknown,
    readonly operationId: string | undefined,
  ) {
    super(message);
  }
}
