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
import { utf8 } from '../core/crypto-backend';

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

const basic = (id: string, secret: string) => `Basic ${base64(utf8(`${id}:${secret}`))}`;

type Answer<T> = { data?: T; error?: { error?: string; error_description?: string; mfa_token?: string }; response: Response };
/** An OAuth path (every one is a POST of a JSON body), its body and its 2xx answer's data. */
type Post<P extends keyof paths> = NonNullable<paths[P]['post']>;
type OAuthPath = { [P in keyof paths]: Post<P> extends { requestBody: object } ? P : never }[keyof paths];
type BodyOf<P extends OAuthPath> = Post<P> extends { requestBody: { content: { 'application/json': infer Body } } } ? Body : never;
type DataOf<P extends OAuthPath> = Post<P> extends { responses: { 200: { content: { 'application/json': infer Data } } } } ? Data : undefined;

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

  /** The answer to a POST of `body` to `path` (one call, typed by the path, for every OAuth call). */
  const answer = <P extends OAuthPath>(path: P, body: BodyOf<P>) => (client.POST as (path: P, init: { body: BodyOf<P> }) => Promise<Answer<DataOf<P>>>)(path, { body });

  // Every OAuth call is a POST; its operationId (in errors) is the generated table's, never a list of ours.
  function settle<T>(path: OAuthPath, { data, error, response }: Answer<T>): T {
    if (response.ok) return data as T;
    const operationId = operations[`POST ${path}`]!.id;
    const code = error?.error ?? 'invalid_response';
    throw new OAuthError(`${operationId}: ${response.status} ${code}${error?.error_description ? ` (${error.error_description})` : ''}`, code, error?.error_description, response.status, operationId);
  }
  /** The 2xx answer's data of a POST of `body` to `path`; OAuthError for an error answer. */
  const post = async <P extends OAuthPath>(path: P, body: BodyOf<P>): Promise<DataOf<P>> => settle(path, await answer(path, body));

  /**
   * Which path the user is on, asked as the CRM answers it (a decision: the token answer does not say): Get MFA
   * Secret answers `Mfa Activated` to a user who has MFA (challenge) and a secret to one who must enrol, which is
   * kept for `getSecret` (a second call may issue another).
   */
  async function mfaStep(mfa_token: string): Promise<MfaRequired> {
    let secret: string | undefined;
    try {
      secret = (await post('/oauth/mfa/secret', { mfa_token })).mfa_secret;
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
    const verify = (otp_code: string) => post('/oauth/mfa/verify', { mfa_token, otp_code });
    const methods = {
      kind: 'mfa_required' as const,
      step,
      // Enrolment finishes with verify too, once bound.
      verify: (otpCode: string) => (step === 'enrolment' && !bound ? only('challenge', 'verify', verify)(otpCode) : verify(otpCode)),
      getSecret: only('enrolment', 'getSecret', async () => secret!),
      sendEmailOtp: only('enrolment', 'sendEmailOtp', async () => void (await post('/oauth/mfa/email/send', { mfa_token }))),
      bind: only('enrolment', 'bind', async (mfa_type: 'authenticator' | 'email', otp_code: string) => {
        await post('/oauth/mfa/bind', { mfa_token, mfa_type, otp_code });
        bound = true;
      }),
      requestDeactivation: only('challenge', 'requestDeactivation', async () => void (await post('/oauth/mfa/deactivation/request', { mfa_token }))),
    };
    // The token is a credential: not enumerable, so not in JSON or util.inspect.
    return Object.defineProperty(methods, 'mfaToken', { value: mfa_token, enumerable: false }) as MfaRequired;
  }

  return {
    exchangeCode: ({ code, codeVerifier }) => post('/oauth/token', { grant_type: 'authorization_code', code, code_verifier: codeVerifier }),
    async passwordGrant({ username, password }) {
      const answered = await answer('/oauth/token', { grant_type: 'password', username, password });
      if (!answered.response.ok && answered.error?.error_description === 'Multi-factor authentication required' && answered.error.mfa_token) return await mfaStep(answered.error.mfa_token);
      return { kind: 'tokens', tokens: settle('/oauth/token', answered) };
    },
    refresh: (refresh_token) => post('/oauth/token', { grant_type: 'refresh_token', refresh_token }),
    revoke: async (refresh_token) => void (await post('/oauth/revoke', { refresh_token })),
    forgotPassword: async (username) => void (await post('/oauth/forget', { username })),
  };
}
