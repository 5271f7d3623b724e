// Client OAuth against the sandbox, through createOAuthClient: every operation's success and every documented
// error, each answer checked against spec/client-oauth.yaml; the full PKCE code flow in the order a browser
// takes it; ROPC with MFA (challenge and enrolment); refresh with rotation; revoke; one refresh for 100 callers.
import { inspect } from 'node:util';
import { createOAuthClient, type OAuthClient } from '../../src/oauth/oauth-client';
import { OAuthError, SignInRequiredError } from '../../src/core/errors';
import { buildLoginUrl, buildLogoutUrl, parseLoginCallback } from '../../src/oauth/login-urls';
import { createPkcePair, createState } from '../../src/oauth/pkce';
import { createTokenHolder, type StoredTokens } from '../../src/oauth/token-holder';
import { SANDBOX_MFA_OTP, SANDBOX_OAUTH_CLIENT } from '../../src/testing/sandbox/oauth/client-oauth';
import { startSandboxCrm, type SandboxCrm } from '../../src/testing/sandbox/server';
import { recordOutput, recordingLogger, registerSecret } from '../harness/output-scan';
import { loadApi } from '../harness/spec';

const api = loadApi('client-oauth');
registerSecret(SANDBOX_OAUTH_CLIENT.clientSecret);
let sandbox: SandboxCrm;
const answers: { opId: string; status: number; body: unknown }[] = [];
/** Every documented answer provoked in this file, as `opId status error_description`. */
const provoked = new Set<string>();

beforeAll(async () => {
  sandbox = await startSandboxCrm({ apiKey: 'oauth-suite-key' });
});
afterAll(async () => {
  await sandbox.stop();
  // Success and every documented error of every OAuth call was provoked against the sandbox.
  const documented = api.operations
    .filter((op) => op.path.startsWith('/oauth/'))
    .flatMap((op) => [
      `${op.id} ${Object.keys(op.operation.responses).find((s) => s.startsWith('2'))}`,
      ...api.documentedErrorExamples(op.id).map((e) => `${op.id} ${e.status} ${(e.value as { error_description?: string }).error_description ?? ''}`),
      `${op.id} 401 Client authentication failed`,
    ]);
  expect(documented.filter((answer) => !provoked.has(answer))).toEqual([]);
});
beforeEach(() => sandbox.reset());
afterEach(() => {
  // Every answer the OAuth client received is documented, with a body matching its schema.
  for (const { opId, status, body } of answers.splice(0)) {
    expect({ opId, status, errors: api.responseSchemaErrors(opId, status, body) }).toEqual({ opId, status, errors: [] });
    provoked.add(status < 300 ? `${opId} ${status}` : `${opId} ${status} ${(body as { error_description?: string }).error_description ?? ''}`);
  }
});

const OPS: Record<string, string> = {
  '/oauth/token': 'exchangeToken', '/oauth/revoke': 'revokeRefreshToken', '/oauth/mfa/verify': 'verifyMfaCode', '/oauth/mfa/secret': 'getMfaSecret',
  '/oauth/mfa/email/send': 'sendMfaEmailOtp', '/oauth/mfa/bind': 'bindMfaMethod', '/oauth/mfa/deactivation/request': 'requestMfaDeactivation', '/oauth/forget': 'forgotPassword',
};

/** The client, recording each answer for the schema check, its errors for the secret scan, and its tokens as secrets. */
function oauthClient(overrides: { clientSecret?: string; logger?: ReturnType<typeof recordingLogger> } = {}): OAuthClient {
  const client = createOAuthClient({
    apiHost: sandbox.url,
    clientId: SANDBOX_OAUTH_CLIENT.clientId,
    clientSecret: overrides.clientSecret ?? SANDBOX_OAUTH_CLIENT.clientSecret,
    logger: overrides.logger ?? recordingLogger(),
    fetch: async (request, init) => {
      const response = await fetch(request, init);
      const text = await response.clone().text();
      const body = text ? JSON.parse(text) : undefined;
      for (const field of ['access_token', 'refresh_token', 'mfa_token']) if (typeof body?.[field] === 'string') registerSecret(body[field]);
      answers.push({ opId: OPS[new URL(request.url).pathname]!, status: response.status, body });
      return response;
    },
  });
  return new Proxy(client, {
    get: (target, name) => {
      const member = Reflect.get(target, name) as (...args: unknown[]) => Promise<unknown>;
      return (...args: unknown[]) => member(...args).catch((error: unknown) => (recordOutput(`oauth ${String(name)} error`, error), Promise.reject(error)));
    },
  });
}

const BASIC = `Basic ${Buffer.from(`${SANDBOX_OAUTH_CLIENT.clientId}:${SANDBOX_OAUTH_CLIENT.clientSecret}`).toString('base64')}`;
const oauthError = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e as OAuthError);

/** The browser's part of the code flow: the sign-in page, the form posted, the redirect's Location. */
async function signInWithBrowser(username: string, password: string, options: { state?: string } = {}) {
  const pkce = await createPkcePair();
  const state = options.state ?? createState();
  const redirectUri = 'http://127.0.0.1:9/callback';
  const loginUrl = buildLoginUrl({ portalHost: sandbox.url, clientId: SANDBOX_OAUTH_CLIENT.clientId, redirectUri, codeChallenge: pkce.challenge, state });
  const page = await fetch(loginUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  const form = new URLSearchParams([...html.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map(([, n, v]): [string, string] => [n!, v!.replace(/&#(\d+);/g, (_m, c) => String.fromCharCode(Number(c)))]));
  form.set('username', username);
  form.set('password', password);
  const posted = await fetch(`${sandbox.url}/login`, { method: 'POST', body: form, redirect: 'manual' });
  return { pkce, state, redirectUri, status: posted.status, location: posted.headers.get('location') ?? '', html: posted.status === 200 ? await posted.text() : '' };
}

describe('the code flow (Authorization Code + PKCE)', () => {
  it('login page → redirect → exchange → refresh (rotated) → revoke, and the spent tokens are refused', async () => {
    const browser = await signInWithBrowser('jane.doe@mail.test', 'S3cret-pass');
    expect(browser.status).toBe(302);
    const { code } = parseLoginCallback(browser.location, { expectedState: browser.state });
    const client = oauthClient();
    const tokens = await client.exchangeCode({ code, codeVerifier: browser.pkce.verifier });
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const replayed = await oauthError(client.exchangeCode({ code, codeVerifier: browser.pkce.verifier }));
    expect(replayed).toMatchObject({ error: 'invalid_grant', errorDescription: 'Authorization code is invalid or does not exist' });
    const next = await client.refresh(tokens.refresh_token);
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect(await oauthError(client.refresh(tokens.refresh_token))).toMatchObject({ errorDescription: 'Refresh token is invalid or expired' });
    await client.revoke(next.refresh_token);
    await client.revoke(next.refresh_token); // idempotent
    expect(await oauthError(client.refresh(next.refresh_token))).toMatchObject({ error: 'invalid_grant' });
    const out = await fetch(buildLogoutUrl({ portalHost: sandbox.url, redirectUri: 'http://127.0.0.1:9/bye' }), { redirect: 'manual' });
    expect({ status: out.status, location: out.headers.get('location') }).toEqual({ status: 302, location: 'http://127.0.0.1:9/bye' });
  });

  it('a wrong password re-shows the page; a state mismatch is refused; the verifier must match; codes expire', async () => {
    expect(await signInWithBrowser('jane.doe@mail.test', 'wrong')).toMatchObject({ status: 200, html: expect.stringContaining('Invalid username or password') });
    const browser = await signInWithBrowser('jane.doe@mail.test', 'S3cret-pass');
    expect(() => parseLoginCallback(browser.location, { expectedState: createState() })).toThrow(expect.objectContaining({ error: 'state_mismatch' }));
    const { code } = parseLoginCallback(browser.location, { expectedState: browser.state });
    const other = await createPkcePair();
    expect(await oauthError(oauthClient().exchangeCode({ code, codeVerifier: other.verifier }))).toMatchObject({ errorDescription: 'Code verifier does not match code challenge' });
    const late = await signInWithBrowser('jane.doe@mail.test', 'S3cret-pass');
    sandbox.advanceClock(60_000);
    const lateCode = parseLoginCallback(late.location, { expectedState: late.state }).code;
    expect(await oauthError(oauthClient().exchangeCode({ code: lateCode, codeVerifier: late.pkce.verifier }))).toMatchObject({ errorDescription: 'Authorization code has expired' });
  });

  it('sends the documented errors of the sign-in page to the redirect_uri, with state', async () => {
    const pkce = await createPkcePair();
    const state = createState();
    const base = { client_id: SANDBOX_OAUTH_CLIENT.clientId, scope: 'user-portal:user:*', response_type: 'code', code_challenge_method: 'S256', code_challenge: pkce.challenge, redirect_uri: 'http://127.0.0.1:9/cb', state };
    const cases: [Record<string, string>, string, string][] = [
      [{ client_id: 'nobody' }, 'invalid_request', 'invalid client id'],
      [{ code_challenge: 'short' }, 'invalid_request', 'invalid code challenge'],
      [{ code_challenge_method: 'plain' }, 'invalid_request', 'invalid code challenge method'],
      [{ response_type: 'token' }, 'unsupported_response_type', 'unsupported response type'],
      [{ scope: 'admin' }, 'unauthorized_client', 'unauthorized client'],
    ];
    for (const [change, error, description] of cases) {
      const answer = await fetch(`${sandbox.url}/login?${new URLSearchParams({ ...base, ...change })}`, { redirect: 'manual' });
      expect(answer.status).toBe(302);
      expect(() => parseLoginCallback(answer.headers.get('location')!, { expectedState: state })).toThrow(expect.objectContaining({ error, errorDescription: description }));
    }
  });
});

describe('the password grant (ROPC) with MFA', () => {
  it('without MFA: tokens; a wrong password: invalid_grant', async () => {
    const client = oauthClient();
    expect(await client.passwordGrant({ username: 'jane.doe@mail.test', password: 'S3cret-pass' })).toMatchObject({ kind: 'tokens', tokens: { token_type: 'Bearer' } });
    expect(await oauthError(client.passwordGrant({ username: 'jane.doe@mail.test', password: 'nope' }))).toMatchObject({ error: 'invalid_grant', errorDescription: 'Invalid username or password', status: 400 });
  });

  it('MFA activated: the step carries the mfa_token (out of sight) and verify gives the tokens', async () => {
    const step = await oauthClient().passwordGrant({ username: 'ian.broker@mail.test', password: 'S3cret-pass' });
    if (step.kind !== 'mfa_required') throw new Error('expected MFA');
    expect(JSON.stringify(step)).not.toContain(step.mfaToken);
    expect(inspect(step)).not.toContain(step.mfaToken);
    expect(step.step).toBe('challenge'); // Issue 29: the step says which path it is
    expect(await oauthError(step.verify('000000'))).toMatchObject({ errorDescription: 'Invalid or expired OTP code' });
    // The enrolment path's methods say so, instead of the CRM's `Mfa Activated`.
    for (const call of [() => step.getSecret(), () => step.sendEmailOtp(), () => step.bind('authenticator', SANDBOX_MFA_OTP)]) {
      expect(await oauthError(call())).toMatchObject({ name: 'TypeError', message: expect.stringMatching(/is the challenge path, not the enrolment path \(the user already has MFA: call verify\(code\)\)/) });
    }
    // What the CRM itself answers to those calls on this path (the probe met getMfaSecret's).
    for (const [path, extra] of [['/oauth/mfa/email/send', {}], ['/oauth/mfa/bind', { mfa_type: 'authenticator', otp_code: SANDBOX_MFA_OTP }]] as const) {
      const answer = await fetch(`${sandbox.url}${path}`, { method: 'POST', headers: { authorization: BASIC, 'content-type': 'application/json' }, body: JSON.stringify({ mfa_token: step.mfaToken, ...extra }) });
      const body = await answer.json();
      answers.push({ opId: OPS[path]!, status: answer.status, body });
      expect(body).toEqual({ error: 'invalid_grant', error_description: 'Mfa Activated' });
    }
    await step.requestDeactivation();
    expect(await step.verify(SANDBOX_MFA_OTP)).toMatchObject({ token_type: 'Bearer' });
    expect(await oauthError(step.verify(SANDBOX_MFA_OTP))).toMatchObject({ errorDescription: 'Invalid Mfa token' }); // used up
  });

  it('MFA required, not activated: enrol (secret, e-mail code, bind), then verify', async () => {
    const step = await oauthClient().passwordGrant({ username: 'sub.ib@mail.test', password: 'S3cret-pass' });
    if (step.kind !== 'mfa_required') throw new Error('expected MFA');
    expect(step.step).toBe('enrolment');
    // Issue 29: verify before bind was `invalid_grant (Invalid Mfa token)`; now it says which path this is.
    expect(await oauthError(step.verify(SANDBOX_MFA_OTP))).toMatchObject({ name: 'TypeError', message: expect.stringMatching(/is the enrolment path, not the challenge path \(the user must enrol first: getSecret\(\) or sendEmailOtp\(\), then bind\(type, code\), then verify\(code\)\)/) });
    expect(await oauthError(step.requestDeactivation())).toMatchObject({ name: 'TypeError', message: expect.stringMatching(/enrolment path/) });
    const secret = await step.getSecret();
    expect(secret).toMatch(/^SANDBOX[A-Z2-7]{16}$/);
    expect(await step.getSecret()).toBe(secret); // the probe's secret, not another one
    await step.sendEmailOtp();
    // Refused before the network by the spec's enum, naming the field.
    expect(await oauthError(step.bind('sms' as never, SANDBOX_MFA_OTP))).toMatchObject({ name: 'CrmValidationError', field: 'body.mfa_type' });
    expect(await oauthError(step.bind('authenticator', '111111'))).toMatchObject({ errorDescription: 'Invalid Otp code' });
    const wrongType = await fetch(`${sandbox.url}/oauth/mfa/bind`, { method: 'POST', headers: { authorization: BASIC, 'content-type': 'application/json' }, body: JSON.stringify({ mfa_token: step.mfaToken, mfa_type: 'sms', otp_code: SANDBOX_MFA_OTP }) });
    const wrongTypeBody = await wrongType.json();
    answers.push({ opId: 'bindMfaMethod', status: wrongType.status, body: wrongTypeBody });
    expect(wrongTypeBody).toEqual({ error: 'invalid_grant', error_description: 'Invalid Mfa Type' });
    await step.bind('authenticator', SANDBOX_MFA_OTP);
    expect(await step.verify(SANDBOX_MFA_OTP)).toMatchObject({ token_type: 'Bearer' });
  });

  it('an unknown mfa_token is refused by every MFA call', async () => {
    const raw = (path: string, body: object) =>
      fetch(`${sandbox.url}${path}`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('sandbox-client:sandbox-client-secret').toString('base64')}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    for (const path of ['/oauth/mfa/verify', '/oauth/mfa/secret', '/oauth/mfa/email/send', '/oauth/mfa/bind', '/oauth/mfa/deactivation/request']) {
      const body = { mfa_token: 'mfa-unknown', ...(path.endsWith('verify') ? { otp_code: '1' } : {}), ...(path.endsWith('bind') ? { mfa_type: 'email', otp_code: '1' } : {}) };
      const answer = await raw(path, body);
      const json = await answer.json();
      answers.push({ opId: OPS[path]!, status: answer.status, body: json });
      expect(json).toEqual({ error: 'invalid_grant', error_description: 'Invalid Mfa token' });
    }
  });
});

describe('the other calls', () => {
  it('forgot password: 200, then rate_limit_exceeded within the window, then 200 again', async () => {
    const client = oauthClient();
    await client.forgotPassword('jane.doe@mail.test');
    expect(await oauthError(client.forgotPassword('jane.doe@mail.test'))).toMatchObject({ error: 'rate_limit_exceeded', errorDescription: 'A password reset was requested recently. Please try again shortly.' });
    sandbox.advanceClock(60_000);
    await client.forgotPassword('jane.doe@mail.test');
  });

  it('a wrong client secret gets 401 invalid_client, and the secret is in no error, log line or inspection', async () => {
    registerSecret('not-the-secret-123');
    const lines: string[] = [];
    const client = oauthClient({ clientSecret: 'not-the-secret-123', logger: recordingLogger((_l, message, details) => lines.push(`${message} ${JSON.stringify(details)}`)) });
    const error = await oauthError(client.forgotPassword('jane.doe@mail.test'));
    expect(error).toMatchObject({ error: 'invalid_client', status: 401 });
    expect(lines.join('\n')).toContain('[redacted]');
    const good = createOAuthClient({ apiHost: sandbox.url, clientId: 'sandbox-client', clientSecret: SANDBOX_OAUTH_CLIENT.clientSecret });
    expect(inspect(good, { depth: 10 })).not.toContain(SANDBOX_OAUTH_CLIENT.clientSecret);
    expect(inspect(error)).not.toContain('not-the-secret-123');
  });

  it('every OAuth call refuses bad client credentials with 401 invalid_client', async () => {
    for (const [path, opId] of Object.entries(OPS)) {
      const answer = await fetch(`${sandbox.url}${path}`, { method: 'POST', headers: { authorization: 'Basic bm9ib2R5Om5vdGhpbmc=', 'content-type': 'application/json' }, body: '{}' });
      const body = await answer.json();
      answers.push({ opId, status: answer.status, body });
      expect({ path, status: answer.status, body }).toEqual({ path, status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } });
    }
  });

  it('a grant the spec does not know is "invalid grant type"', async () => {
    const answer = await fetch(`${sandbox.url}/oauth/token`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('sandbox-client:sandbox-client-secret').toString('base64')}`, 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credentials' }) });
    const body = await answer.json();
    answers.push({ opId: 'exchangeToken', status: answer.status, body });
    expect(body).toEqual({ error: 'invalid_grant', error_description: 'invalid grant type' });
  });
});

describe('createTokenHolder', () => {
  it('100 concurrent callers after expiry: exactly one refresh request; the rotated token is stored first', async () => {
    let now = 0;
    const client = oauthClient();
    const first = await client.passwordGrant({ username: 'jane.doe@mail.test', password: 'S3cret-pass' });
    if (first.kind !== 'tokens') throw new Error('expected tokens');
    const stored: StoredTokens[] = [];
    const holder = createTokenHolder({ client, tokens: first.tokens, now: () => now, onTokens: (t) => void stored.push(t) });
    expect(await holder.getAccessToken()).toBe(first.tokens.access_token);
    const refreshesBefore = sandbox.requests.filter((r) => r.path === '/oauth/token').length;
    now = (3600 - 59) * 1000; // inside the 60 s margin
    const tokens = await Promise.all(Array.from({ length: 100 }, () => holder.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(first.tokens.access_token);
    expect(sandbox.requests.filter((r) => r.path === '/oauth/token').length - refreshesBefore).toBe(1);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.refresh_token).not.toBe(first.tokens.refresh_token);
  });

  // Issue 29: one token shape everywhere: what a grant returns is what onTokens stores and the holder takes back.
  it('onTokens gets the grant\'s snake_case shape plus expires_at; it round-trips; the 0.1 camelCase names are aliases', async () => {
    let now = 1_000;
    const client = oauthClient();
    const grant = await client.passwordGrant({ username: 'jane.doe@mail.test', password: 'S3cret-pass' });
    if (grant.kind !== 'tokens') throw new Error('expected tokens');
    const stored: StoredTokens[] = [];
    const holder = createTokenHolder({ client, tokens: grant.tokens, now: () => now, onTokens: (t) => void stored.push(t) });
    const refreshed = await holder.refresh();
    const saved = JSON.parse(JSON.stringify(stored[0])) as Record<string, unknown>;
    expect(Object.keys(saved).sort()).toEqual([...Object.keys(grant.tokens), 'expires_at'].sort());
    expect(saved).toEqual({ ...saved, token_type: 'Bearer', access_token: refreshed.access_token, refresh_token: refreshed.refresh_token, expires_at: 1_000 + (saved.expires_in as number) * 1000 });
    expect([refreshed.accessToken, refreshed.refreshToken, refreshed.expiresAt]).toEqual([refreshed.access_token, refreshed.refresh_token, refreshed.expires_at]);
    // What was stored (read back from a database as JSON) starts a holder after a restart, expiry kept.
    now = 2_000;
    const restarted = createTokenHolder({ client, tokens: saved as unknown as StoredTokens, now: () => now });
    expect(restarted.expiresAt).toBe(refreshed.expires_at);
    expect(await restarted.getAccessToken()).toBe(refreshed.access_token);
  });

  it('a refused refresh surfaces as SignInRequiredError, for every caller, without more requests', async () => {
    const client = oauthClient();
    const grant = await client.passwordGrant({ username: 'jane.doe@mail.test', password: 'S3cret-pass' });
    if (grant.kind !== 'tokens') throw new Error('expected tokens');
    await client.revoke(grant.tokens.refresh_token);
    const holder = createTokenHolder({ client, tokens: { accessToken: 'a', refreshToken: grant.tokens.refresh_token, expiresAt: 0 } });
    await expect(holder.getAccessToken()).rejects.toBeInstanceOf(SignInRequiredError);
    const before = sandbox.requests.length;
    await expect(holder.getAccessToken()).rejects.toBeInstanceOf(SignInRequiredError);
    expect(sandbox.requests.length).toBe(before);
  });
});
