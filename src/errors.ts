// Errors thrown when a request cannot be made or answered. HTTP error answers are not thrown: they come back
// as openapi-fetch's `{ error, response }`, typed per operation.

/** Base class of every error this package throws. */
export class CrmError extends Error {
  override name = 'CrmError';
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
