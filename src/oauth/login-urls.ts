// The two browser navigations of Client OAuth (sign-in and sign-out on the Client Portal) and the way back,
// built and read so that they cannot be used wrongly: every parameter checked, `state` always set and checked.
import { timingSafeEqualStrings } from '../core/same-secret';
import { OAuthLoginError } from '../core/errors';
import { isLoopback } from '../core/loopback';

export const OAUTH_SCOPE = 'user-portal:user:*';
/** An S256 code challenge: 43 base64url characters. */
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The origin of a host name or an origin; plain http only on loopback (HTTPS is mandatory). A host without a
 * scheme is `https://host`, except a loopback one (`127.0.0.1:4010`, `localhost:4010`): the sandbox there speaks
 * plain http, and nothing on loopback crosses a network.
 */
export function originOf(hostOrUrl: string, what: string): URL {
  if (typeof hostOrUrl !== 'string' || hostOrUrl.trim() === '') throw new TypeError(`${what} is required`);
  let url: URL;
  try {
    const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(hostOrUrl);
    url = new URL(hasScheme ? hostOrUrl : `https://${hostOrUrl}`);
    if (!hasScheme && isLoopback(url.hostname)) url = new URL(`http://${hostOrUrl}`);
  } catch {
    throw new TypeError(`${what} must be a host name or an https URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) throw new TypeError(`${what} must use https (http only on loopback)`);
  return new URL(url.origin);
}

function absoluteUri(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${what} must be an absolute URL`);
  }
  // Any scheme (an app's own, for a native app): the URL parser only gives one that is a valid scheme.
  if (url.hash) throw new TypeError(`${what} must not have a fragment`);
  return value;
}

export interface LoginUrlInput {
  /** The Client Portal host (or its https origin). */
  portalHost: string;
  clientId: string;
  /** Registered for the application; the code comes back here. */
  redirectUri: string;
  /** From `createPkcePair()` (S256, 43 characters). */
  codeChallenge: string;
  /** From `createState()`: kept by you and checked by `parseLoginCallback`. At least 16 characters. */
  state: string;
  /** Only `user-portal:user:*` is documented (the default). */
  scope?: string;
}

/**
 * The authorization request of a sign-in, for the login URL's query and the iframe's message alike, once its
 * parts are checked: a client id, an S256 challenge (`createPkcePair()`), a `state` (`createState()`).
 */
export function authorizeRequest(what: string, clientId: string, codeChallenge: string, state: string) {
  if (typeof clientId !== 'string' || clientId === '') throw new TypeError(`${what}: \`clientId\` is required`);
  if (typeof codeChallenge !== 'string' || !CHALLENGE.test(codeChallenge)) throw new TypeError(`${what}: \`codeChallenge\` must be an S256 challenge (43 base64url characters): use createPkcePair()`);
  if (typeof state !== 'string' || state.length < 16) throw new TypeError(`${what}: \`state\` is required (at least 16 characters): use createState() and keep it to check the answer`);
  return { client_id: clientId, scope: OAUTH_SCOPE, response_type: 'code', code_challenge_method: 'S256', code_challenge: codeChallenge, state } as const;
}

/** The sign-in URL to send the user's browser to. */
export function buildLoginUrl({ portalHost, clientId, redirectUri, codeChallenge, state, scope = OAUTH_SCOPE }: LoginUrlInput): string {
  const login = new URL('/login', originOf(portalHost, 'buildLoginUrl: `portalHost`'));
  const request = authorizeRequest('buildLoginUrl', clientId, codeChallenge, state);
  absoluteUri(redirectUri, 'buildLoginUrl: `redirectUri`');
  if (scope !== OAUTH_SCOPE) throw new TypeError(`buildLoginUrl: \`scope\` must be ${OAUTH_SCOPE} (the only scope documented)`);
  return `${login}?${new URLSearchParams({ ...request, redirect_uri: redirectUri })}`;
}

/** The sign-out URL (ends the portal session; does not revoke tokens: call `revoke` too). */
export function buildLogoutUrl({ portalHost, redirectUri }: { portalHost: string; redirectUri: string }): string {
  const logout = new URL('/logout', originOf(portalHost, 'buildLogoutUrl: `portalHost`'));
  return `${logout}?${new URLSearchParams({ redirect_uri: absoluteUri(redirectUri, 'buildLogoutUrl: `redirectUri`') })}`;
}

/** The query of a callback given as a path (`/cb?code=…`, Express's `req.url`), a full URL, a `URL` or the query itself. */
function callbackQuery(callback: string | URL | URLSearchParams): URLSearchParams {
  if (callback instanceof URLSearchParams) return callback;
  if (typeof callback !== 'string' && !(callback instanceof URL)) throw new TypeError('parseLoginCallback: the callback must be a path, a URL or URLSearchParams');
  // A path or a bare query has no origin of its own: any base reads its query the same (a full URL ignores it).
  return new URL(callback, 'http://callback.invalid').searchParams;
}

/**
 * Reads the redirect back from the portal: the `code`, once `state` is the one you issued (constant-time).
 * `callback` is the request's path and query (`req.url` in Node and Express), a full URL, a `URL` or
 * `URLSearchParams`. Throws OAuthLoginError with the portal's `error` / `error_description`, or
 * `state_mismatch` / `missing_code`.
 */
export function parseLoginCallback(callback: string | URL | URLSearchParams, { expectedState }: { expectedState: string }): { code: string; state: string } {
  if (typeof expectedState !== 'string' || expectedState === '') throw new TypeError('parseLoginCallback: `expectedState` is required');
  const query = callbackQuery(callback);
  const state = query.get('state') ?? '';
  // The state first: an answer that is not ours is not read further (the page sends errors to redirect_uri too).
  if (!timingSafeEqualStrings(state, expectedState)) throw new OAuthLoginError('the sign-in answer carries another `state` (it answers another sign-in)', 'state_mismatch');
  const error = query.get('error');
  if (error) {
    const description = query.get('error_description') ?? undefined;
    throw new OAuthLoginError(`sign-in failed: ${error}${description ? ` (${description})` : ''}`, error, description);
  }
  const code = query.get('code');
  if (!code) throw new OAuthLoginError('the sign-in answer carries no `code`', 'missing_code');
  return { code, state };
}
