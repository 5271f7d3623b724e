// The errors of the Client OAuth surface: the server's refusals, a failed sign-in redirect, and "sign in again".
import { CrmError } from '../core/errors';

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
    readonly errorDescription: string | undefined,
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
