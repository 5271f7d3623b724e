// The sandbox's Client OAuth: the portal's sign-in and sign-out pages and the Client API's /oauth calls, on the
// sandbox's own address (both "hosts"). Codes are single-use and expire after 60 s of the virtual clock, PKCE
// is checked, refresh tokens rotate, MFA has a fixed test code, and every answer is one the spec documents.
import { createHash } from 'node:crypto';
import { operations } from '../../../../generated/client-oauth.operations';
import { requestSchemas } from '../../../../generated/client-oauth.request-schemas';
import { requestValidators } from '../../../core/validation/request-validators';
import { CLIENT_OAUTH_FORMATS } from '../../../core/validation/formats';
import { inputProblem } from '../../../core/validation/messages';
import type { RequestValidator } from '../../../core/validation/types';
import { isLoopback } from '../../../core/loopback';
import { timingSafeEqualStrings } from '../../../core/same-secret';
import type { CapturedRequest } from '../../http-host';
import { readJson } from '../../json-body';
import type { SandboxEngine } from '../engine';
import type { SandboxClient } from '../state';

/** The registered OAuth Application of the sandbox (README: "Sign your clients in"). */
export const SANDBOX_OAUTH_CLIENT = { clientId: 'sandbox-client', clientSecret: 'sandbox-client-secret' };
/** Every MFA one-time code the sandbox accepts (authenticator or e-mail). */
export const SANDBOX_MFA_OTP = '246810';

/** Compiled per operation on first use. */
const validators = /* @__PURE__ */ requestValidators(requestSchemas, CLIENT_OAUTH_FORMATS);
/** The one scope the spec documents (a `const` of the login call's `scope`), read from the generated schema. */
const SCOPE = (requestSchemas.operations.redirectToLogin.query.properties.scope as { const: string }).const;

const CODE_TTL_MS = 60_000;
const MFA_TTL_MS = 300_000;
const RESET_WINDOW_MS = 60_000;
const ACCESS_TTL_S = 3600;

export interface OAuthAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const oauthAnswer = (status: number, body?: unknown): OAuthAnswer => ({ status, ...(body === undefined ? {} : { body }) });
const grantError = (error_description: string, extra: object = {}) => oauthAnswer(400, { error: 'invalid_grant', error_description, ...extra });
// The package's constant-time comparison, over digests so that timing shows neither content nor length.
const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
const sameText = (a: string, b: string) => timingSafeEqualStrings(sha256Hex(a), sha256Hex(b));
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Registered redirect URIs: any URL on loopback (a test's or a newcomer's own app). */
const registeredRedirect = (uri: string) => {
  try {
    const url = new URL(uri);
    return isLoopback(url.hostname) && !url.hash;
  } catch {
    return false;
  }
};

function redirectTo(uri: string, query: Record<string, string | undefined>): OAuthAnswer {
  const url = new URL(uri);
  for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, value);
  return { status: 302, headers: { location: url.toString() } };
}

function loginPage(query: URLSearchParams, message?: string): OAuthAnswer {
  const hidden = [...query].map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`).join('');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sandbox client portal: sign in</title></head><body>
<h1>Sign in</h1>${message ? `<p role="alert">${escape(message)}</p>` : ''}
<form method="post" action="/login">${hidden}
<label>E-mail <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button></form></body></html>`;
  return { status: 200, body: html, headers: { 'content-type': 'text/html; charset=utf-8' } };
}

export function createSandboxOAuth(engine: SandboxEngine) {
  const state = () => engine.state.oauth;
  const now = () => engine.clock.now();
  const token = (prefix: string) => `${prefix}-${engine.state.ids.id(24)}`;
  const userBy = (username: unknown): SandboxClient | undefined =>
    [...engine.state.clients.values()].find((c) => c.email.toLowerCase() === String(username).toLowerCase() || (c.phone && `${c.phone.country_code}${c.phone.number}` === String(username).replace(/^\+/, '')));

  function tokenSet(userId: string): object {
    const refresh = token('rt');
    state().refreshTokens.set(refresh, { userId, clientId: SANDBOX_OAUTH_CLIENT.clientId, active: true });
    return { access_token: token('at'), token_type: 'Bearer', expires_in: ACCESS_TTL_S, refresh_token: refresh };
  }

  /** The sign-in parameters of `/login`, or the error the page documents (sent to redirect_uri). */
  function checkLogin(query: URLSearchParams): OAuthAnswer | undefined {
    const redirect = query.get('redirect_uri') ?? '';
    const state_ = query.get('state') ?? undefined;
    const fail = (error: string, error_description: string): OAuthAnswer =>
      registeredRedirect(redirect) ? redirectTo(redirect, { error, error_description, state: state_ }) : oauthAnswer(400, { error, error_description });
    if (query.get('client_id') !== SANDBOX_OAUTH_CLIENT.clientId) return fail('invalid_request', 'invalid client id');
    if (!registeredRedirect(redirect)) return fail('invalid_request', 'invalid redirect uri');
    if (query.get('response_type') !== 'code') return fail('unsupported_response_type', 'unsupported response type');
    if (query.get('code_challenge_method') !== 'S256') return fail('invalid_request', 'invalid code challenge method');
    if (!/^[A-Za-z0-9_-]{43}$/.test(query.get('code_challenge') ?? '')) return fail('invalid_request', 'invalid code challenge');
    if (query.get('scope') !== SCOPE) return fail('unauthorized_client', 'unauthorized client');
    return undefined;
  }

  function signIn(form: URLSearchParams): OAuthAnswer {
    const refused = checkLogin(form);
    if (refused) return refused;
    const user = userBy(form.get('username'));
    if (!user?.password || !sameText(user.password, form.get('password') ?? '')) {
      const query = new URLSearchParams([...form].filter(([name]) => name !== 'username' && name !== 'password'));
      return loginPage(query, 'Invalid username or password');
    }
    const code = token('code');
    state().codes.set(code, { clientId: SANDBOX_OAUTH_CLIENT.clientId, redirectUri: form.get('redirect_uri')!, challenge: form.get('code_challenge')!, userId: user.id, expiresAt: now() + CODE_TTL_MS });
    return redirectTo(form.get('redirect_uri')!, { code, state: form.get('state') ?? undefined });
  }

  const mfaUser = (mfaToken: string) => {
    const entry = state().mfaTokens.get(mfaToken);
    return entry && entry.expiresAt > now() ? entry.userId : undefined;
  };
  const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

  const calls: Record<string, (body: any) => OAuthAnswer> = { // eslint-disable-line @typescript-eslint/no-explicit-any
    '/oauth/token': (body) => {
      if (body.grant_type === 'authorization_code') {
        const code = state().codes.get(body.code);
        state().codes.delete(body.code); // single use, whatever happens next
        if (!code) return grantError('Authorization code is invalid or does not exist');
        if (code.expiresAt <= now()) return grantError('Authorization code has expired');
        if (!sameText(s256(body.code_verifier), code.challenge)) return grantError('Code verifier does not match code challenge');
        return oauthAnswer(200, tokenSet(code.userId));
      }
      if (body.grant_type === 'password') {
        const user = userBy(body.username);
        if (!user?.password || !sameText(user.password, body.password)) return grantError('Invalid username or password');
        if ((state().mfa[user.id] ?? 'off') !== 'off') {
          const mfa_token = token('mfa');
          state().mfaTokens.set(mfa_token, { userId: user.id, expiresAt: now() + MFA_TTL_MS });
          return grantError('Multi-factor authentication required', { mfa_token });
        }
        return oauthAnswer(200, tokenSet(user.id));
      }
      if (body.grant_type === 'refresh_token') {
        const entry = state().refreshTokens.get(body.refresh_token);
        if (!entry?.active) return grantError('Refresh token is invalid or expired');
        entry.active = false; // rotated: the old one is spent
        state().refreshes += 1;
        return oauthAnswer(200, tokenSet(entry.userId));
      }
      return grantError('invalid grant type');
    },
    '/oauth/revoke': (body) => {
      const entry = state().refreshTokens.get(body.refresh_token);
      if (entry) entry.active = false;
      return oauthAnswer(200);
    },
    '/oauth/mfa/verify': (body) => {
      const userId = mfaUser(body.mfa_token);
      if (!userId || state().mfa[userId] !== 'activated') return grantError('Invalid Mfa token');
      if (body.otp_code !== SANDBOX_MFA_OTP) return grantError('Invalid or expired OTP code');
      state().mfaTokens.delete(body.mfa_token);
      return oauthAnswer(200, tokenSet(userId));
    },
    '/oauth/mfa/secret': (body) => {
      const userId = mfaUser(body.mfa_token);
      if (!userId) return grantError('Invalid Mfa token');
      if (state().mfa[userId] === 'activated') return grantError('Mfa Activated');
      return oauthAnswer(200, { mfa_secret: `SANDBOX${engine.state.ids.id(16).toUpperCase().replace(/[^A-Z2-7]/g, 'A')}` });
    },
    '/oauth/mfa/email/send': (body) => {
      const userId = mfaUser(body.mfa_token);
      if (!userId) return grantError('Invalid Mfa token');
      if (state().mfa[userId] === 'activated') return grantError('Mfa Activated');
      return oauthAnswer(200);
    },
    '/oauth/mfa/bind': (body) => {
      const userId = mfaUser(body.mfa_token);
      if (!userId) return grantError('Invalid Mfa token');
      if (state().mfa[userId] === 'activated') return grantError('Mfa Activated');
      if (!['authenticator', 'email'].includes(body.mfa_type)) return grantError('Invalid Mfa Type');
      if (body.otp_code !== SANDBOX_MFA_OTP) return grantError('Invalid Otp code');
      state().mfa[userId] = 'activated';
      return oauthAnswer(200);
    },
    '/oauth/mfa/deactivation/request': (body) => (mfaUser(body.mfa_token) ? oauthAnswer(200) : grantError('Invalid Mfa token')),
    '/oauth/forget': (body) => {
      const key = String(body.username).toLowerCase();
      const last = state().resets.get(key);
      if (last !== undefined && now() - last < RESET_WINDOW_MS) return oauthAnswer(400, { error: 'rate_limit_exceeded', error_description: 'A password reset was requested recently. Please try again shortly.' });
      state().resets.set(key, now());
      return oauthAnswer(200);
    },
  };

  return {
    /** Whether the path is Client OAuth's (served here, without the REST API's key gate). */
    handles: (path: string) => path === '/login' || path === '/logout' || path.startsWith('/oauth/'),
    handle(request: CapturedRequest): OAuthAnswer {
      const query = new URLSearchParams(request.query);
      if (request.path === '/login') {
        if (request.method === 'GET') return checkLogin(query) ?? loginPage(query);
        if (request.method === 'POST') return signIn(new URLSearchParams(request.body.toString('utf8')));
        return oauthAnswer(405, { error: 'invalid_request', error_description: 'GET or POST' });
      }
      if (request.path === '/logout') {
        const redirect = query.get('redirect_uri') ?? '';
        return registeredRedirect(redirect) ? redirectTo(redirect, {}) : oauthAnswer(400, { error: 'invalid_request', error_description: 'invalid redirect uri' });
      }
      const call = calls[request.path];
      if (!call || request.method !== 'POST') return oauthAnswer(404, { error: 'invalid_request', error_description: `no ${request.method} ${request.path}` });
      const presented = /^Basic (.+)$/i.exec(String(request.headers.authorization ?? ''))?.[1] ?? '';
      const expected = Buffer.from(`${SANDBOX_OAUTH_CLIENT.clientId}:${SANDBOX_OAUTH_CLIENT.clientSecret}`).toString('base64');
      if (!sameText(presented, expected)) return oauthAnswer(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
      const read = readJson(request.body);
      if ('problem' in read) return oauthAnswer(400, { error: 'invalid_request', error_description: read.problem === 'body is not JSON' ? 'the body is not JSON' : read.problem });
      const body = read.value;
      const validate = (validators as Record<string, RequestValidator>)[operations[`POST ${request.path}`]?.id ?? ''];
      const problem = validate && inputProblem(validate, { query: {}, body });
      if (problem) {
        // A grant the spec does not know is the documented "invalid grant type".
        if (request.path === '/oauth/token' && !['authorization_code', 'password', 'refresh_token'].includes((body as { grant_type?: string })?.grant_type ?? '')) return grantError('invalid grant type');
        // An MFA type the spec does not list is the documented "Invalid Mfa Type".
        if (request.path === '/oauth/mfa/bind' && mfaUser((body as { mfa_token?: string })?.mfa_token ?? '') && !['authenticator', 'email'].includes((body as { mfa_type?: string })?.mfa_type ?? '')) return grantError('Invalid Mfa Type');
        return oauthAnswer(400, { error: 'invalid_request', error_description: problem });
      }
      return call(body);
    },
  };
}
