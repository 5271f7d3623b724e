// The sign-in helpers that cannot be used wrongly: PKCE against RFC 7636's vector, the URLs' checks, the
// callback's `state` check, and the iframe exchange's origin and state checks.
import { buildLoginUrl, buildLogoutUrl, parseLoginCallback } from '../../src/oauth/login-urls';
import { OAuthLoginError } from '../../src/core/errors';
import { iframeLogin } from '../../src/oauth/iframe';
import { createPkcePair, createState, pkceChallenge } from '../../src/oauth/pkce';

it("PKCE: RFC 7636 Appendix B's verifier gives its challenge", async () => {
  expect(await pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  await expect(pkceChallenge('too-short')).rejects.toThrow(/43 to 128 characters/);
  await expect(pkceChallenge('x'.repeat(42) + ' ')).rejects.toThrow(/A-Z a-z 0-9/);
});

it('PKCE: 1,000 pairs are 43–128 unreserved characters, all different, each with its own S256 challenge', async () => {
  const seen = new Set<string>();
  const counts = new Map<string, number>();
  for (let i = 0; i < 1000; i++) {
    const pair = await createPkcePair(43 + (i % 86));
    expect(pair.verifier).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
    expect(pair.verifier.length).toBe(43 + (i % 86));
    expect(pair.challenge).toBe(await pkceChallenge(pair.verifier));
    seen.add(pair.verifier);
    for (const c of pair.verifier) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  expect(seen.size).toBe(1000);
  expect(counts.size).toBe(66); // every unreserved character turns up
  expect(() => createState()).not.toThrow();
  await expect(createPkcePair(42)).rejects.toThrow(RangeError);
});

describe('buildLoginUrl / buildLogoutUrl', () => {
  const good = { portalHost: 'portal.my-broker.com', clientId: 'app-1', redirectUri: 'https://app.my-broker.com/cb', codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', state: 'Zq3x9VbN0tR2mY7pK4wL1sD6' };

  it('builds the documented query, with state', () => {
    const url = new URL(buildLoginUrl(good));
    expect(`${url.origin}${url.pathname}`).toBe('https://portal.my-broker.com/login');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'app-1', scope: 'user-portal:user:*', response_type: 'code', code_challenge_method: 'S256',
      code_challenge: good.codeChallenge, redirect_uri: good.redirectUri, state: good.state,
    });
    expect(buildLogoutUrl({ portalHost: 'https://portal.my-broker.com', redirectUri: 'https://app.my-broker.com/bye' })).toBe('https://portal.my-broker.com/logout?redirect_uri=https%3A%2F%2Fapp.my-broker.com%2Fbye');
  });

  // Issue 29: the sandbox speaks plain http on loopback, so a scheme-less loopback host is http.
  it.each([
    ['127.0.0.1:4010', 'http://127.0.0.1:4010/login'],
    ['localhost:4010', 'http://localhost:4010/login'],
    ['[::1]:4010', 'http://[::1]:4010/login'],
    ['portal.my-broker.com', 'https://portal.my-broker.com/login'],
    ['portal.my-broker.com:8443', 'https://portal.my-broker.com:8443/login'],
    ['https://127.0.0.1:4010', 'https://127.0.0.1:4010/login'],
  ])('a portalHost of %s is %s', (portalHost, login) => {
    const url = new URL(buildLoginUrl({ ...good, portalHost }));
    expect(`${url.origin}${url.pathname}`).toBe(login);
  });

  it.each([
    [{ state: '' }, /`state` is required/],
    [{ state: 'short' }, /at least 16 characters/],
    [{ codeChallenge: 'plain-verifier' }, /S256 challenge/],
    [{ clientId: '' }, /`clientId` is required/],
    [{ redirectUri: '/relative' }, /absolute URL/],
    [{ redirectUri: 'https://app.test/cb#frag' }, /fragment/],
    [{ portalHost: 'http://portal.my-broker.com' }, /must use https/],
    [{ scope: 'openid' }, /user-portal:user:\*/],
  ])('refuses %o', (change, message) => {
    expect(() => buildLoginUrl({ ...good, ...change })).toThrow(message);
  });
});

describe('parseLoginCallback', () => {
  const state = 'Zq3x9VbN0tR2mY7pK4wL1sD6';
  it('gives the code when state is ours', () => {
    expect(parseLoginCallback(`https://app.test/cb?code=abc&state=${state}`, { expectedState: state })).toEqual({ code: 'abc', state });
  });
  // Issue 29: Express's `req.url` is a path, and `new URL('/cb?…')` alone throws `Invalid URL`.
  it.each([
    ['a path (Express req.url)', `/cb?code=abc&state=${state}`],
    ['a full URL', `https://app.test/cb?code=abc&state=${state}`],
    ['a URL', new URL(`https://app.test/cb?code=abc&state=${state}`)],
    ['URLSearchParams', new URLSearchParams({ code: 'abc', state })],
    ['a bare query', `?code=abc&state=${state}`],
  ])('takes %s', (_what, callback) => {
    expect(parseLoginCallback(callback, { expectedState: state })).toEqual({ code: 'abc', state });
  });
  it('refuses another state, before reading anything else', () => {
    expect(() => parseLoginCallback(`https://app.test/cb?code=abc&state=${state}x`, { expectedState: state })).toThrow(expect.objectContaining({ name: 'OAuthLoginError', error: 'state_mismatch' }));
    expect(() => parseLoginCallback('https://app.test/cb?error=invalid_request&error_description=invalid+client+id', { expectedState: state })).toThrow(expect.objectContaining({ error: 'state_mismatch' }));
  });
  it("turns the portal's error into a typed error", () => {
    const failure = (() => {
      try {
        parseLoginCallback(new URLSearchParams({ error: 'unauthorized_client', error_description: 'unauthorized client', state }), { expectedState: state });
      } catch (e) {
        return e;
      }
    })();
    expect(failure).toBeInstanceOf(OAuthLoginError);
    expect(failure).toMatchObject({ error: 'unauthorized_client', errorDescription: 'unauthorized client' });
  });
});

describe('iframeLogin (postMessage)', () => {
  const state = 'Zq3x9VbN0tR2mY7pK4wL1sD6';
  function fakeWindow() {
    const listeners = new Set<(e: { origin: string; data: unknown }) => void>();
    return {
      addEventListener: (_t: 'message', l: (e: { origin: string; data: unknown }) => void) => void listeners.add(l),
      removeEventListener: (_t: 'message', l: (e: { origin: string; data: unknown }) => void) => void listeners.delete(l),
      post: (origin: string, data: unknown) => listeners.forEach((l) => l({ origin, data })),
      listening: () => listeners.size,
    };
  }

  it('posts the PKCE request only to the portal origin and takes the code only from it, with our state', async () => {
    const window = fakeWindow();
    const sent: [unknown, string][] = [];
    const frame = { postMessage: (message: unknown, target: string) => void sent.push([message, target]) };
    const login = iframeLogin({ portalHost: 'portal.my-broker.com', clientId: 'app-1', codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', state, frame, window });
    expect(sent).toEqual([[{ type: 'crm-oauth-authorize', client_id: 'app-1', scope: 'user-portal:user:*', response_type: 'code', code_challenge_method: 'S256', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', state }, 'https://portal.my-broker.com']]);
    window.post('https://evil.test', { type: 'crm-oauth-code', code: 'stolen', state });
    window.post('https://portal.my-broker.com', { type: 'crm-oauth-code', code: 'replayed', state: 'another-state-000000' });
    window.post('https://portal.my-broker.com', 'noise');
    window.post('https://portal.my-broker.com', { type: 'crm-oauth-code', code: 'the-code', state });
    await expect(login).resolves.toEqual({ code: 'the-code', ignored: 3 });
    expect(window.listening()).toBe(0);
  });

  it("rejects with the portal's error", async () => {
    const window = fakeWindow();
    const login = iframeLogin({ portalHost: 'portal.my-broker.com', clientId: 'app-1', codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', state, frame: { postMessage: () => undefined }, window });
    window.post('https://portal.my-broker.com', { type: 'crm-oauth-error', error: 'access_denied', error_description: 'the user declined', state });
    await expect(login).rejects.toMatchObject({ name: 'OAuthLoginError', error: 'access_denied' });
  });
});
