// The Client OAuth API (the Client API host), typed by spec/client-oauth.yaml: openapi-fetch with this
// package's transport (timeouts; a token call, never idempotent, is never re-sent after an ambiguous failure,
// since a code and a rotated refresh token are single-use) and HTTP Basic client authentication.
import type { components, paths } from '../../generated/client-oauth';
import { operations } from '../../generated/client-oauth.operations';
import { requestSchemas } from '../../generated/client-oauth.request-schemas';
import { createOperationClient } from '../http/operation-client';
import { requestValidators } from '../core/validation/request-validators';
import { CLIENT_OAUTH_FORMATS } from '../core/validation/formats';
import type { CrmLogger } from '../core/logger';
import { createRetryingFetch } from '../http/transport/retrying-fetch';
import { OAuthError } from '../core/errors';
import { originOf } from './login-urls';
import { base64 } from './pkce';

export type OAuthTokenSet = components['schemas']['OAuthTokenSet'];

export interface OAuthClientOptions {
  /** The Client API host (or its https origin; http only on loopback). */
  apiHost: string;
  clientId: string;
  /** The application's secret: keep it on a server (every /oauth call needs it). */
  clientSecret: string;
  fetch?: (input: Request, init?: RequestInit) => Promise<Response>;
  /** Per attempt, body included (default 30 000). */
  timeoutMs?: number;
  /** The largest answer body read, in bytes (default 32 MiB); a larger one is cut off while reading. */
  maxResponseBytes?: number;
  /** Request summaries, with `authorization` redacted and no bodies (so no token). */
  logger?: CrmLogger;
}

/**
 * The step after a password grant that requires MFA, saying which path it is: `challenge` (the user has an
 * authenticator: `verify` the code, or `requestDeactivation`) or `enrolment` (MFA not activated yet: `getSecret`
 * or `sendEmailOtp`, then `bind`, then `verify`). A method of the other path throws a TypeError saying which
 * path this is, instead of the CRM's misleading `invalid_grant`.
 */
export interface MfaStepMethods {
  kind: 'mfa_required';
  /** Hidden from JSON and `util.inspect`; the calls below use it. */
  readonly mfaToken: string;
  /** Challenge: the code from the authenticator (or, after `bind`, the first code of the new method). */
  verify(otpCode: string): Promise<OAuthTokenSet>;
  /** Enrolment: the authenticator secret (to show as a QR code). */
  getSecret(): Promise<string>;
  /** Enrolment: an e-mail with a one-time code, for `bind('email', code)`. */
  sendEmailOtp(): Promise<void>;
  /** Enrolment: activates MFA; `verify` then finishes the sign-in. */
  bind(mfaType: 'authenticator' | 'email', otpCode: string): Promise<void>;
  /** Challenge: asks for MFA to be switched off (confirmed elsewhere). */
  requestDeactivation(): Promise<void>;
}
export interface MfaChallenge extends MfaStepMethods {
  step: 'challenge';
}
export interface MfaEnrolment extends MfaStepMethods {
  step: 'enrolment';
}
export type MfaRequired = MfaChallenge | MfaEnrolment;

export interface OAuthClient {
  /** The PKCE code exchange (server-side: it needs the client secret). */
  exchangeCode(input: { code: string; codeVerifier: string }): Promise<OAuthTokenSet>;
  /** ROPC: tokens, or the MFA step. */
  passwordGrant(input: { username: string; password: string }): Promise<{ kind: 'tokens'; tokens: OAuthTokenSet } | MfaRequired>;
  /** A new token set; the refresh token is rotated (store the new one). */
  refresh(refreshToken: string): Promise<OAuthTokenSet>;
  revoke(refreshToken: string): Promise<void>;
  forgotPassword(username: string): Promise<void>;
}

const encoder = /* @__PURE__ */ new TextEncoder();
const basic = (id: string, secret: string) => `Basic ${base64(encoder.encode(`${id}:${secret}`))}`;

type Answer<T> = { data?: T; error?: { error?: string; error_description?: string; mfa_token?: string }; response: Response };

export function createOAuthClient(options: OAuthClientOptions): OAuthClient {
  const origin = originOf(options.apiHost, 'createOAuthClient: `apiHost`');
  if (typeof options.clientId !== 'string' || options.clientId === '') throw new TypeError('createOAuthClient: `clientId` is required');
  if (typeof options.clientSecret !== 'string' || options.clientSecret === '') throw new TypeError('createOAuthClient: `clientSecret` is required');
  const authorization = basic(options.clientId, options.clientSecret);
  const client = createOperationClient<paths>({
    baseUrl: origin.origin,
    // Its error answers never hand back the client secret, plain or inside the Basic credential.
    fetch: createRetryingFetch({ fetch: options.fetch, timeoutMs: options.timeoutMs ?? 30_000, maxRetries: 2, backoff: {}, logger: options.logger, maxResponseBytes: options.maxResponseBytes, secrets: [options.clientSecret, authorization.slice('Basic '.length)] }),
    operations,
    validators: requestValidators(requestSchemas, CLIENT_OAUTH_FORMATS),
    setHeaders: (headers) => headers.set('authorization', authorization),
  });

  // Every OAuth call is a POST; its operationId (in errors) is the generated table's, never a list of ours.
  async function settle<T>(path: keyof paths, call: Promise<Answer<T>>): Promise<T> {
    const operationId = operations[`POST ${path}`]!.id;
    const { data, error, response } = await call;
    if (response.ok) return data as T;
    const code = error?.error ?? 'invalid_response';
    throw new OAuthError(`${operationId}: ${response.status} ${code}${error?.error_description ? ` (${error.error_description})` : ''}`, code, error?.error_description, response.status, operationId);
  }
  const mfaCall = (path: '/oauth/mfa/email/send' | '/oauth/mfa/deactivation/request', mfa_token: string) =>
    settle(path, client.POST(path, { body: { mfa_token } }) as Promise<Answer<unknown>>).then(() => undefined);

  /**
   * Which path the user is on, asked as the CRM answers it (a decision: the token answer does not say): Get MFA
   * Secret answers `Mfa Activated` to a user who has MFA (challenge) and a secret to one who must enrol, which is
   * kept for `getSecret` (a second call may issue another).
   */
  async function mfaStep(mfaToken: string): Promise<MfaRequired> {
    let secret: string | undefined;
    try {
      secret = (await settle('/oauth/mfa/secret', client.POST('/oauth/mfa/secret', { body: { mfa_token: mfaToken } }) as Promise<Answer<{ mfa_secret: string }>>)).mfa_secret;
    } catch (error) {
      if (!(error instanceof OAuthError && error.errorDescription === 'Mfa Activated')) throw error;
    }
    const step: 'challenge' | 'enrolment' = secret === undefined ? 'challenge' : 'enrolment';
    let bound = false;
    const only = <A extends unknown[], R>(path: 'challenge' | 'enrolment', name: string, call: (...args: A) => Promise<R>) => (...args: A): Promise<R> => {
      if (step === path) return call(...args);
      const hint = step === 'challenge' ? 'the user already has MFA: call verify(code)' : 'the user must enrol first: getSecret() or sendEmailOtp(), then bind(type, code), then verify(code)';
      return Promise.reject(new TypeError(`MFA step ${name}(): this sign-in is the ${step} path, not the ${path} path (${hint})`));
    };
    const verify = (otp_code: string) => settle('/oauth/mfa/verify', client.POST('/oauth/mfa/verify', { body: { mfa_token: mfaToken, otp_code } }) as Promise<Answer<OAuthTokenSet>>);
    const methods = {
      kind: 'mfa_required' as const,
      step,
      // Enrolment finishes with verify too, once bound.
      verify: (otpCode: string) => (step === 'enrolment' && !bound ? only('challenge', 'verify', verify)(otpCode) : verify(otpCode)),
      getSecret: only('enrolment', 'getSecret', async () => secret!),
      sendEmailOtp: only('enrolment', 'sendEmailOtp', () => mfaCall('/oauth/mfa/email/send', mfaToken)),
      bind: only('enrolment', 'bind', async (mfa_type: 'authenticator' | 'email', otp_code: string) => {
        await settle('/oauth/mfa/bind', client.POST('/oauth/mfa/bind', { body: { mfa_token: mfaToken, mfa_type, otp_code } }) as Promise<Answer<unknown>>);
        bound = true;
      }),
      requestDeactivation: only('challenge', 'requestDeactivation', () => mfaCall('/oauth/mfa/deactivation/request', mfaToken)),
    };
    // The token is a credential: not enumerable, so not in JSON or util.inspect.
    return Object.defineProperty(methods, 'mfaToken', { value: mfaToken, enumerable: false }) as MfaRequired;
  }

  return {
    exchangeCode: ({ code, codeVerifier }) => settle('/oauth/token', client.POST('/oauth/token', { body: { grant_type: 'authorization_code', code, code_verifier: codeVerifier } }) as Promise<Answer<OAuthTokenSet>>),
    async passwordGrant({ username, password }) {
      const answer = (await client.POST('/oauth/token', { body: { grant_type: 'password', username, password } })) as Answer<OAuthTokenSet>;
      if (!answer.response.ok && answer.error?.error_description === 'Multi-factor authentication required' && answer.error.mfa_token) return await mfaStep(answer.error.mfa_token);
      return { kind: 'tokens', tokens: await settle('/oauth/token', Promise.resolve(answer)) };
    },
    refresh: (refresh_token) => settle('/oauth/token', client.POST('/oauth/token', { body: { grant_type: 'refresh_token', refresh_token } }) as Promise<Answer<OAuthTokenSet>>),
    revoke: async (refresh_token) => void (await settle('/oauth/revoke', client.POST('/oauth/revoke', { body: { refresh_token } }) as Promise<Answer<unknown>>)),
    forgotPassword: async (username) => void (await settle('/oauth/forget', client.POST('/oauth/forget', { body: { username } }) as Promise<Answer<unknown>>)),
  };
}
