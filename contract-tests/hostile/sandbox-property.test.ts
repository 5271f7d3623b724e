// Issue 24, property-based (fast-check, seeded, bounded): random and mutated requests against the sandbox
// (REST, Client OAuth, control API) and the mock (its gate in front of Prism). Malformed and deep JSON, wrong
// types where the spec has strings, numbers and ids, prototype keys, odd escapes in path and query, odd
// headers, methods and sizes. Invariants, for every request: an answer comes; it is a status the operation
// documents or a 4xx whose JSON names a `type` (`error` on OAuth's calls); never a 5xx (a
// sandbox_internal_error is a bug); no secret in any answer or log line; and a good request still answers
// after each run.
import fc from 'fast-check';
import { startGate, type Gate } from '../../src/testing/mock/gate';
import { compilePathTemplate } from '../../src/core/path-template';
import { loadSandboxSpec } from '../../src/testing/sandbox/spec-index';
import { SANDBOX_OAUTH_CLIENT } from '../../src/testing/sandbox/oauth/client-oauth';
import { startSandboxCrm, type SandboxCrm } from '../../src/testing/sandbox/server';
import { registerSecret } from '../harness/output-scan';
import { rawRequest, signV2, type RawAnswer } from '../harness/raw-http';
import { loadApi } from '../harness/spec';

const KEY = 'property-sandbox-key-Secret-3301';
const SIGNING = 'property-signing-Secret-9902';
const SECRETS = [KEY, SIGNING];
const MAX_BODY = 64 * 1024;
SECRETS.forEach(registerSecret);

/** Every documented route, REST and Client OAuth, with its documented statuses. */
const routes = [...loadApi('crm-rest').operations, ...loadApi('client-oauth').operations].map((op) => ({ id: op.id, method: op.method.toUpperCase(), path: op.path, match: compilePathTemplate(op.path), statuses: new Set(Object.keys(op.operation.responses ?? {}).map(Number)) }));
const restOps = loadSandboxSpec();
const OAUTH_CALLS = ['/oauth/token', '/oauth/revoke', '/oauth/mfa/verify', '/oauth/mfa/secret', '/oauth/mfa/email/send', '/oauth/mfa/bind', '/oauth/mfa/deactivation/request', '/oauth/forget'];

let sandbox: SandboxCrm;
let mock: Gate;
const logLines: string[] = [];
beforeAll(async () => {
  const upstream = process.env.CRM_PRISM_URL;
  if (!upstream) throw new Error('CRM_PRISM_URL is not set: run the suites through jest (globalSetup starts Prism)');
  const log = (line: string) => void logLines.push(line);
  // A small cap, so that bodies over it cost little to send (the default's 413 is the regression suite's).
  sandbox = await startSandboxCrm({ apiKey: KEY, signingSecret: SIGNING, log, maxBodyBytes: MAX_BODY });
  mock = await startGate({ apiKey: KEY, signingSecret: SIGNING, upstream, log, maxBodyBytes: MAX_BODY });
});
afterAll(async () => {
  await Promise.all([sandbox?.stop(), mock?.stop()]);
});
afterEach(() => {
  // A sandbox_internal_error is a bug, and a log line must never carry a secret.
  const lines = logLines.splice(0);
  expect(lines).toEqual([]);
});

// ---- building blocks ----

/** Pieces of a path segment or query text, sent as they are: escapes good and bad, delimiters, number spellings, prototype names. */
const ODD_PIECES = [
  '%', '%E0%A4%A', '%zz', '%00', '%2F', '%2e%2e', '%C0%AF', '%FF', '%F0%9F%98%80', '..', '.', '[', ']', '{', '}', '|', '\\', '^', '`', '"', '<', '>',
  'é', '+', '@', ':', ';', '=', '&', '?', '/', '//', '200118.0', '2.00118e5', '0x30EB6', '01', '-0', '1e3', 'NaN', 'Infinity', '-1', '9007199254740993',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '',
];
const GOOD_VALUES = ['3fA9kQ2z', '200118', 'ord-2024-0000001', 'Cn4Mt001', 'USD', '0', '10', 'true', 'mt4'];
const piece = fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...GOOD_VALUES) }, { weight: 3, arbitrary: fc.constantFrom(...ODD_PIECES) }, { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 6 }).map((s) => s.replace(/[^\x21-\x7e]/g, '')) });
const oddText = fc.array(piece, { minLength: 1, maxLength: 3 }).map((parts) => parts.join(''));
/** Mostly a value that reaches the validator and the handler (good, or odd but percent-encoded); sometimes raw. */
const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...GOOD_VALUES) },
  { weight: 3, arbitrary: oddText.map(encodeURIComponent) },
  { weight: 1, arbitrary: oddText },
);

/** A path from a template, each parameter filled with a good or odd value; sometimes bent further. */
function targetFor(template: string): fc.Arbitrary<string> {
  const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  return fc
    .record({
      values: fc.tuple(...names.map(() => text), fc.constant('')),
      query: fc.oneof(
        { weight: 5, arbitrary: fc.constant<[string, string][]>([]) },
        { weight: 2, arbitrary: fc.array(fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom('skip', 'limit', 'user_id', 'connection_id', 'login', 'type', 'owner', 'suspended', 'start', 'end', 'platform') }, { weight: 1, arbitrary: text }), text), { maxLength: 3 }) },
      ),
      bend: fc.oneof({ weight: 12, arbitrary: fc.constant('none') }, { weight: 1, arbitrary: fc.constantFrom('double-slash', 'trailing-slash', 'fragment', 'dot-segment', 'case') }),
    })
    .map(({ values, query, bend }) => {
      let i = 0;
      let path = template.replace(/\{[^}]+\}/g, () => values[i++] ?? '');
      if (bend === 'double-slash') path = `/${path}`;
      if (bend === 'trailing-slash') path = `${path}/`;
      if (bend === 'dot-segment') path = path.replace('/v1/', '/v1/../v1/');
      if (bend === 'case') path = path.toUpperCase();
      const search = query.map(([name, value]) => `${name}=${value}`).join('&');
      return `${path}${search ? `?${search}` : ''}${bend === 'fragment' ? '#x' : ''}`;
    });
}

/** Values of the wrong type (or right type, wrong shape) for any field. */
const WRONG_VALUES: unknown[] = [null, true, false, 0, -1, 1.5, 1e21, 1e-9, 0.1 + 0.2, 2 ** 53 + 2, '', ' ', 'x'.repeat(300), '0', '200118.0', [], [null], {}, { x: 1 }, { toString: 1 }, { valueOf: {} }, ['a', { b: [] }]];
/** For a field that holds a string, a number or a boolean: what breaks code that trusts that (pathological objects first). */
const WRONG_FOR: Record<string, unknown[]> = {
  string: [{ toString: 1 }, { valueOf: {}, toString: {} }, { x: 1 }, ['a'], 7, 1e21, null, true],
  number: [1e-9, 1e21, -1e21, 0.1 + 0.2, 2 ** 53 + 2, 1e308, -0, '1', { toString: 1 }, null],
  boolean: ['true', 1, { toString: 1 }, null],
};

/** Own properties whose names are special elsewhere (JSON.parse makes `__proto__` an own key; so must we). */
function withKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value: structuredClone(value), enumerable: true, writable: true, configurable: true });
}

/** The example body, bent: fields set to wrong values, removed, prototype keys added, some object nested deep. */
const mutation = fc.record({
  where: fc.nat(),
  pick: fc.nat(99),
  what: fc.constantFrom('wrong', 'wrong', 'wrong', 'wrong', 'other', 'remove', 'proto-key', 'deep', 'big-string'),
  value: fc.constantFrom(...WRONG_VALUES),
  key: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'first_name', 'amount', 'login', 'user_id'),
});
/** Fields the sandbox keeps unique (a used e-mail, order id or deposit comment is refused before anything else): made new. */
const FRESH: Record<string, (value: string, n: number) => string> = {
  email: (value, n) => `f${n}.${value}`,
  order_id: (_value, n) => `ord-${String(n).padStart(12, '0')}`.slice(0, 16),
  comment: (value, n) => `${value}-${n}`,
};
function freshen(node: unknown, n: number, depth = 0): void {
  if (!node || typeof node !== 'object' || depth > 4) return;
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === 'string' && Object.hasOwn(FRESH, key)) (node as Record<string, unknown>)[key] = FRESH[key]!(value, n);
    else freshen(value, n, depth + 1);
  }
}

function mutate(example: unknown, mutations: readonly { where: number; pick: number; what: string; value: unknown; key: string }[], fresh = 0): unknown {
  const root = structuredClone(example ?? {}) as unknown;
  freshen(root, fresh);
  for (const m of mutations) {
    const spots: [Record<string, unknown> | unknown[], string][] = [];
    const walk = (node: unknown, depth = 0) => {
      if (node && typeof node === 'object' && depth < 8) {
        for (const key of Object.keys(node)) {
          spots.push([node as Record<string, unknown>, key]);
          walk((node as Record<string, unknown>)[key], depth + 1);
        }
      }
    };
    walk(root);
    const containers = [root, ...spots.map(([holder, key]) => (holder as Record<string, unknown>)[key])].filter((n): n is Record<string, unknown> => !!n && typeof n === 'object' && !Array.isArray(n));
    if (m.what === 'proto-key' || spots.length === 0) {
      const holder = containers[m.where % Math.max(containers.length, 1)];
      if (holder) withKey(holder, m.key, m.value);
      continue;
    }
    const [holder, key] = spots[m.where % spots.length]!;
    const at = holder as Record<string, unknown>;
    const typed = WRONG_FOR[typeof at[key]];
    if (m.what === 'wrong' && typed) withKey(at, key, typed[m.pick % typed.length]);
    else if (m.what === 'remove') delete at[key];
    else if (m.what === 'deep') withKey(at, key, JSON.parse('{"a":'.repeat(70) + '1' + '}'.repeat(70)));
    else if (m.what === 'big-string') withKey(at, key, 'é'.repeat(2000));
    else withKey(at, key, m.value);
  }
  return root;
}

/** A body: the operation's example bent, any JSON, malformed JSON, deep nesting, bytes, or a size over the cap. */
function bodyFor(example: unknown): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    // One change at a time mostly, so the rest of the body stays valid and the change reaches the handler.
    {
      weight: 12,
      arbitrary: fc
        .tuple(fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 6, arbitrary: fc.tuple(mutation) }, { weight: 2, arbitrary: fc.array(mutation, { minLength: 2, maxLength: 4 }) }), fc.nat())
        .map(([ms, fresh]) => JSON.stringify(mutate(example, ms, fresh))),
    },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom('{', '{"a":}', 'nul', '[1,]', '{"a":1}{', '\u0000', '"\\ud800"', '{"a":"\\u00"}', '1e999', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}') },
    { weight: 1, arbitrary: fc.integer({ min: 60, max: 5000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('latin1')) },
    { weight: 1, arbitrary: fc.constantFrom(MAX_BODY + 1, 3 * MAX_BODY).map((size) => 'x'.repeat(size)) },
  );
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'M-SEARCH'];
const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/json;;;', '*/*', ''];

/** Headers: the key right, wrong, doubled or missing; the signature right for the bytes or not; odd others. */
const headerChoice = fc.record({
  key: fc.oneof({ weight: 12, arbitrary: fc.constant('right') }, { weight: 1, arbitrary: fc.constantFrom('wrong', 'missing', 'doubled', 'empty') }),
  signature: fc.oneof({ weight: 10, arbitrary: fc.constant('right') }, { weight: 1, arbitrary: fc.constantFrom('wrong', 'missing', 'v1-shaped', 'other-secret') }),
  contentType: fc.option(fc.constantFrom(...CONTENT_TYPES)),
  origin: fc.option(fc.constantFrom('http://evil.example', 'null', 'http://localhost')),
  accept: fc.option(fc.constantFrom('text/html', 'application/xml', '*/*', 'application/json;q=0')),
  extra: fc.option(fc.tuple(fc.constantFrom('x-forwarded-for', 'x-http-method-override', 'prefer', 'authorization', 'cookie', 'range'), fc.string({ unit: 'grapheme-ascii', maxLength: 20 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')))),
});
type HeaderChoice = typeof headerChoice extends fc.Arbitrary<infer T> ? T : never;
function headersFor(choice: HeaderChoice, body: string | undefined): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  if (choice.key === 'right') headers.key = KEY;
  if (choice.key === 'wrong') headers.key = `${KEY}x`;
  if (choice.key === 'doubled') headers.key = [KEY, KEY];
  if (choice.key === 'empty') headers.key = '';
  if (body !== undefined) {
    if (choice.signature === 'right') headers.signature = signV2(body, SIGNING);
    if (choice.signature === 'wrong') headers.signature = signV2(`${body} `, SIGNING);
    if (choice.signature === 'v1-shaped') headers.signature = 'F'.repeat(40);
    if (choice.signature === 'other-secret') headers.signature = signV2(body, KEY);
  }
  if (choice.contentType !== null) headers['content-type'] = choice.contentType;
  else if (body !== undefined) headers['content-type'] = 'application/json';
  if (choice.origin !== null) headers.origin = choice.origin;
  if (choice.accept !== null) headers.accept = choice.accept;
  if (choice.extra !== null) headers[choice.extra[0]] = choice.extra[1];
  return headers;
}

// ---- invariants ----

/** What went wrong with one answer, or undefined when it keeps every invariant. */
function violation(method: string, target: string, answer: RawAnswer, controlCall = false): string | undefined {
  const where = `${method} ${target.slice(0, 120)} → ${answer.status} ${answer.text.slice(0, 200)}`;
  const everything = answer.text + JSON.stringify(answer.headers);
  if (SECRETS.some((secret) => everything.includes(secret))) return `a secret in the answer: ${method} ${target.slice(0, 80)}`;
  if (answer.status >= 500) return `a 5xx: ${where}`;
  const path = target.split('?')[0]!;
  if (answer.status >= 400) {
    if (method === 'HEAD') return /json/.test(String(answer.headers['content-type'])) ? undefined : `a HEAD 4xx not labelled JSON: ${where}`;
    // Client OAuth words its errors as OAuth does (`error`), everything else as the CRM does (`type`).
    const named = path.startsWith('/oauth/') || path === '/login' || path === '/logout' ? answer.json?.error ?? answer.json?.type : answer.json?.type;
    return typeof named === 'string' && named !== '' ? undefined : `a 4xx without a JSON type: ${where}`;
  }
  if (controlCall) return [200, 201].includes(answer.status) ? undefined : `a control answer neither 200 nor 201: ${where}`;
  const route = routes.find((r) => r.method === method && r.match(path));
  if (!route) return `a ${answer.status} for no documented route: ${where}`;
  return route.statuses.has(answer.status) ? undefined : `${route.id} answered an undocumented ${answer.status}: ${where}`;
}

async function send(base: string, method: string, target: string, headers: Record<string, string | string[]>, body: string | undefined): Promise<RawAnswer> {
  // Node's client refuses to send some targets (spaces, characters past U+00FF): those are not what is tested.
  return rawRequest(base, { method, target, headers: headers as Record<string, string>, ...(body === undefined ? {} : { body }) });
}

async function expectServing(base: string): Promise<void> {
  const answer = await rawRequest(base, { target: '/public/v1/configurations/countries', headers: { key: KEY } });
  expect(answer.status).toBe(200);
}

/** Fixed, so every run sends the same requests; HOSTILE_SEED=<n> explores others. */
const SEED = Number(process.env.HOSTILE_SEED ?? 24);
/** Requests aimed at one operation: mostly its own method, a target from its template, its example bent. */
const requestFor = (op: (typeof restOps)[number]) =>
  fc.record({
    method: fc.oneof({ weight: 12, arbitrary: fc.constant(op.method) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
    target: targetFor(op.path),
    body: op.hasBody ? bodyFor(op.requestExample) : fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: bodyFor({}) }),
    headers: headerChoice,
  });

/** `runs` requests per operation of the REST spec that takes a body (a third as many for the others), each operation with its own seed. */
async function runRest(base: string, runs: number): Promise<void> {
  for (const [index, op] of restOps.entries()) {
    await fc.assert(
      fc.asyncProperty(requestFor(op), async ({ method, target, body, headers }) => {
        const answer = await send(base, method, target, headersFor(headers, body), body);
        const problem = violation(method, target, answer);
        if (problem) throw new Error(problem);
      }),
      { seed: SEED + index, numRuns: op.hasBody ? runs : Math.ceil(runs / 3), endOnFailure: true },
    );
  }
  await expectServing(base);
}

/** Reads that walk every client, account, wallet and transaction of the state. */
const STATE_READS: [string, string, string?][] = [
  ['POST', '/public/v1/users/validate', '{"email":"nobody@mail.test","password":"Nobody-1"}'],
  ['GET', '/public/v1/mt4/accounts?connection_id=Cn4Mt001'],
  ['POST', '/public/v1/report/transactions', '{"skip":0,"limit":500,"start":"2024-01-01","end":"2035-12-31"}'],
  ['POST', '/public/v1/users/downlines', '{"user_id":"Fx000001"}'],
];

describe('random and mutated requests', () => {
  it('against the sandbox REST API: every answer documented or a 4xx with a type, never a 5xx, no secret', async () => {
    await runRest(sandbox.url, 20);
  }, 60_000);

  it('against the sandbox, one field of each example at a time set to each value that breaks code trusting its type, and each path parameter to each odd piece', async () => {
    const problems: string[] = [];
    const check = async (op: (typeof restOps)[number], target: string, body?: string) => {
      const headers: Record<string, string> = { key: KEY, ...(body === undefined ? {} : { 'content-type': 'application/json', signature: signV2(body, SIGNING) }) };
      const answer = await send(sandbox.url, op.method, target, headers, body);
      const problem = violation(op.method, target, answer);
      if (problem) problems.push(problem);
    };
    let fresh = 0;
    const swept = new Set<string>();
    for (const op of restOps) {
      const example = op.requestExample;
      const path = op.path.replace(/\{[^}]+\}/g, (name) => ({ '{login}': '200118', '{order_id}': 'ord-2024-0000001' })[name] ?? '3fA9kQ2z');
      const leaves: (string | number)[][] = [];
      const walk = (node: unknown, at: (string | number)[]) => {
        if (node && typeof node === 'object') for (const [key, value] of Object.entries(node)) walk(value, [...at, Array.isArray(node) ? Number(key) : key]);
        else leaves.push(at);
      };
      if (example !== undefined) walk(example, []);
      for (const leaf of leaves) {
        const original = leaf.reduce<any>((node, key) => node[key], example); // eslint-disable-line @typescript-eslint/no-explicit-any
        for (const value of WRONG_FOR[typeof original] ?? []) {
          const body = structuredClone(example) as Record<string, unknown>;
          freshen(body, fresh++);
          const holder = leaf.slice(0, -1).reduce<any>((node, key) => node[key], body); // eslint-disable-line @typescript-eslint/no-explicit-any
          holder[leaf.at(-1)!] = value;
          await check(op, path, JSON.stringify(body));
        }
      }
      // Each path parameter name once (login, id, user_id, order_id): the same code reads it on every operation.
      const name = /\{([^}]+)\}/.exec(op.path)?.[1];
      if (!name || swept.has(name)) continue;
      swept.add(name);
      for (const odd of ODD_PIECES) {
        const body = example === undefined ? undefined : structuredClone(example);
        freshen(body, fresh++);
        await check(op, op.path.replace(/\{[^}]+\}/, odd).replace(/\{[^}]+\}/g, '3fA9kQ2z'), body === undefined ? undefined : JSON.stringify(body));
      }
    }
    expect(problems).toEqual([]);
    await expectServing(sandbox.url);
  }, 60_000);

  it('against the mock (gate and Prism): the same invariants', async () => {
    await runRest(mock.url, 4);
  }, 60_000);

  it('against the sandbox Client OAuth calls and pages', async () => {
    const basic = `Basic ${Buffer.from(`${SANDBOX_OAUTH_CLIENT.clientId}:${SANDBOX_OAUTH_CLIENT.clientSecret}`).toString('base64')}`;
    const example = { grant_type: 'password', username: 'jane.doe@mail.test', password: 'x', refresh_token: 'rt-1', code: 'code-1', code_verifier: 'v'.repeat(43), mfa_token: 'mfa-1', otp_code: '246810', mfa_type: 'email' };
    const oauthRequest = fc.record({
      method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'HEAD'),
      target: fc.oneof(fc.constantFrom(...OAUTH_CALLS), targetFor('/login'), targetFor('/logout'), fc.constantFrom('/oauth/', '/oauth/__proto__', '/oauth/constructor', '/oauth/token/')),
      body: bodyFor(example),
      auth: fc.constantFrom(basic, basic, 'Basic', 'Basic !!!', 'Bearer x', ''),
      form: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(oauthRequest, async ({ method, target, body, auth, form }) => {
        const headers = { authorization: auth, 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' };
        const answer = await send(sandbox.url, method, target, headers, form && body !== undefined ? new URLSearchParams(Object.entries(JSON.parse(body.startsWith('{') ? (safeJson(body) ?? '{}') : '{}'))).toString() : body);
        const problem = violation(method, target, answer);
        if (problem) throw new Error(problem);
      }),
      { seed: SEED, numRuns: 250, endOnFailure: true },
    );
    await expectServing(sandbox.url);
  }, 60_000);

  it('against the control API: refused unless its owner sends it, never a 5xx; nothing a refused call asks for happens', async () => {
    const port = new URL(sandbox.url).port;
    const SAFE_ROUTES = ['reset', 'seed', 'clock', 'state', 'deliveries', 'withdrawal-requests', 'kyc-decisions'];
    const fixtureExample = { clients: [{ id: 'Fx000001', email: 'fx@mail.test' }], accounts: [{ platform: 'mt4', connection_id: 'Cn4Mt001', login: 700001, user_id: 'Fx000001', balance: '10.5' }], wallets: { Fx000001: { USD: '3.25' } }, withdrawalRequests: [{ user_id: '3fA9kQ2z', amount: '1.00' }], advanceMs: 1000, user_id: 'Tr4d3r03', decision: 'approve', amount: '2.50' };
    const controlRequest = fc.record({
      owner: fc.boolean(),
      refusal: fc.constantFrom('origin', 'host', 'content-type'),
      route: fc.oneof({ weight: 4, arbitrary: fc.constant('seed') }, { weight: 6, arbitrary: fc.constantFrom(...SAFE_ROUTES, 'webhook', 'faults') }, { weight: 1, arbitrary: text }),
      method: fc.constantFrom('GET', 'POST', 'POST', 'POST', 'DELETE', 'PUT'),
      body: bodyFor(fixtureExample),
    });
    await fc.assert(
      fc.asyncProperty(controlRequest, async ({ owner, refusal, route, method, body }) => {
        // Only the owner's calls to routes that reach nothing outside (no webhook URL, no faults) are let through.
        const allowed = owner && SAFE_ROUTES.includes(route);
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (!allowed && refusal === 'origin') headers.origin = 'http://evil.example';
        if (!allowed && refusal === 'host') headers.host = `evil.example:${port}`;
        if (!allowed && refusal === 'content-type') headers['content-type'] = 'text/plain';
        const target = `/__sandbox/${route}`;
        const answer = await send(sandbox.url, method, target, headers, body);
        const problem = violation(method, target, answer, true) ?? (!allowed && !(answer.status === 403 && /^control_api_/.test(answer.json?.type ?? '')) && ![400, 413].includes(answer.status) ? `a refused control call answered ${answer.status} ${answer.text}` : undefined);
        if (problem) throw new Error(problem);
        // Whatever the owner seeded, the REST API still reads the state without failing.
        for (const [readMethod, readTarget, readBody] of STATE_READS) {
          const read = await send(sandbox.url, readMethod, readTarget, { key: KEY, ...(readBody ? { 'content-type': 'application/json', signature: signV2(readBody, SIGNING) } : {}) }, readBody);
          const broken = violation(readMethod, readTarget, read);
          if (broken) throw new Error(`after ${method} ${target}: ${broken}`);
        }
      }),
      { seed: SEED, numRuns: 100, endOnFailure: true },
    );
    expect((await rawRequest(sandbox.url, { target: '/__sandbox/faults' })).json).toEqual([]);
    await expectServing(sandbox.url);
  }, 60_000);
});

function safeJson(text: string): string | undefined {
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? JSON.stringify(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]))) : undefined;
  } catch {
    return undefined;
  }
}
