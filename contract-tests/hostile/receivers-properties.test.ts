// Property-based (fast-check, seeded and bounded): random and mutated requests against every receiver, each as
// a fetch handler and mounted with toNodeHandler on a loopback server spoken to byte for byte. The requests
// start from the spec's own examples, signed as the CRM signs them, then are broken: fields set to wrong types,
// prototype keys, odd strings and numbers, malformed, truncated, non-UTF-8 and deep JSON, other content types,
// methods, paths with odd escapes, Host headers, sizes around the limit, wrong or missing credentials.
//
// Invariants, for every request: the handler never throws (and the process never sees an unhandled error);
// every answer is a documented status with its documented body, or a 4xx with a JSON `type`; never a 5xx (the
// tenant code here never fails, so a 5xx would be the receiver's own); no secret in any answer or report line;
// tenant code never runs for a refused request (400, 401, 405, 413, 415), and never twice for one delivery or
// one order_id.
import fc from 'fast-check';
import { buildReceivers, mountReceivers, rawHttp, SECRETS, walletSignature, webhookSignature, withPspSign, type Receivers } from '../harness/hostile-receivers';
import { loadApi } from '../harness/spec';

type Name = 'webhooks' | 'payUrl' | 'rates' | 'wallets';
const APIS = { webhooks: loadApi('crm-webhooks'), payUrl: loadApi('psp'), rates: loadApi('exchange-rates'), wallets: loadApi('external-wallets') };
const MAX_BODY = 16 * 1024;
const REFUSED = new Set([400, 401, 405, 413, 415]);

/** One request as the property sends it, to a fetch handler or as raw HTTP/1.1 bytes. */
interface Plan {
  method: string;
  target: string;
  headers: [string, string][];
  body: Uint8Array;
}

// ---- values a hostile peer puts where the schema wants something else ----

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'toJSON', 'then', '__defineGetter__'];
const oddString = fc.oneof(
  fc.constantFrom('', ' ', '\u0000', '\ud800', '\udfff', '\u2028\u2029', '\ufeff', '%00', '%zz', '%', '../..', '__proto__', 'A'.repeat(40), 'a'.repeat(40), '1e309', '中文😀', '"\\', '\r\n', 'crm.webhooks.', 'USD', 'usd', '0x1F', ' 12 '),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ maxLength: 30 }),
);
const oddNumber = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.001, 1e-9, 1e-8, 25.5, 1e21, 1e308, 5e-324, 2 ** 53 + 1, 123456789012.12345, 0.1 + 0.2, 999999999999.99),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);
/** An object with one prototype-named own key (made with JSON.parse: a literal `__proto__` would set the prototype). */
const protoObject = fc.tuple(fc.constantFrom(...PROTO_KEYS), fc.jsonValue({ maxDepth: 1 })).map(([key, value]) => JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}}`) as unknown);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(oddString, oddNumber, protoObject, fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(null, true, false, [], {}, [{}], [[1]], { toString: 1 }, [{ toString: 1 }]));

type Mutation = { kind: 'set'; field: string; value: unknown } | { kind: 'delete'; field: string } | { kind: 'replace'; value: unknown };
const mutation = (fields: string[]): fc.Arbitrary<Mutation> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), field: fc.constantFrom(...fields, ...PROTO_KEYS), value: hostileValue }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), field: fc.constantFrom(...fields) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('replace' as const), value: hostileValue }) },
  );

/** Applies mutations to a copy (own properties through JSON.parse, so `__proto__` stays a plain key). */
function mutate(base: unknown, mutations: Mutation[]): unknown {
  let value = JSON.parse(JSON.stringify(base)) as unknown;
  for (const m of mutations) {
    if (m.kind === 'replace') value = m.value;
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const text = JSON.stringify(value).slice(1, -1);
      const others = JSON.parse(`{${text}}`) as Record<string, unknown>;
      if (m.kind === 'delete') delete others[m.field];
      const rest = JSON.stringify(others).slice(1, -1);
      value = m.kind === 'delete' ? JSON.parse(`{${rest}}`) : JSON.parse(`{${rest}${rest ? ',' : ''}${JSON.stringify(m.field)}:${JSON.stringify(m.value) ?? 'null'}}`);
    }
  }
  return value;
}

/** Byte-level damage after serialising: malformed, truncated, non-UTF-8, deep, padded past the size limit. */
type Damage = 'none' | 'truncate' | 'flip' | 'invalid-utf8' | 'bom' | 'deep-array' | 'deep-field' | 'oversize' | 'trailing' | 'empty';
const damage = fc.oneof(
  { weight: 12, arbitrary: fc.constant<Damage>('none') },
  { weight: 6, arbitrary: fc.constantFrom<Damage>('truncate', 'flip', 'invalid-utf8', 'bom', 'deep-array', 'deep-field', 'oversize', 'trailing', 'empty') },
);
function damaged(text: string, how: Damage, at: number, depth: number): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  const cut = Math.floor(at * bytes.length);
  switch (how) {
    case 'none':
      return bytes;
    case 'truncate':
      return bytes.subarray(0, cut);
    case 'flip': {
      const copy = bytes.slice();
      if (copy.length) copy[cut % copy.length]! ^= 0x20;
      return copy;
    }
    case 'invalid-utf8':
      return new Uint8Array([...bytes.subarray(0, cut), 0xff, 0xc3, ...bytes.subarray(cut)]);
    case 'bom':
      return new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]);
    case 'deep-array':
      return new TextEncoder().encode('['.repeat(depth) + ']'.repeat(depth));
    case 'deep-field':
      return new TextEncoder().encode(text.startsWith('{') && text.length > 2 ? `{"deep":${'['.repeat(depth)}${']'.repeat(depth)},${text.slice(1)}` : text);
    case 'oversize':
      return new TextEncoder().encode(text.startsWith('{') && text.length > 2 ? `{"pad":"${'x'.repeat(MAX_BODY)}",${text.slice(1)}` : ' '.repeat(MAX_BODY + 1));
    case 'trailing':
      return new TextEncoder().encode(`${text} {}`);
    case 'empty':
      return new Uint8Array(0);
  }
}

const contentType = fc.oneof(
  { weight: 10, arbitrary: fc.constant<string | undefined>('application/json') },
  { weight: 3, arbitrary: fc.constantFrom<string | undefined>(undefined, 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/problem+json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '', ';', 'application/json;;;') },
);
const method = fc.oneof({ weight: 12, arbitrary: fc.constant('POST') }, { weight: 4, arbitrary: fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') });
/** Which credential a request carries: the right one mostly, else none, a wrong one, a prefix of the right one. */
const credential = (secret: string) => fc.oneof({ weight: 8, arbitrary: fc.constant<string | undefined>(secret) }, { weight: 2, arbitrary: fc.constantFrom<string | undefined>(undefined, '', 'wrong', secret.slice(0, -1), `${secret} `, secret.toUpperCase()) });
const noise = fc.array(fc.tuple(fc.constantFrom('x-forwarded-for', 'x-crm-signature', 'signature', 'sign', 'key', 'crm-pay-token', 'content-length', 'transfer-encoding', 'accept', 'x-proto'), fc.constantFrom('', '1', '__proto__', '0x10', 'A'.repeat(40), 'chunked', 'gzip', '-1', '1e3')), { maxLength: 2 });
const fraction = fc.double({ min: 0, max: 1, noNaN: true });
/** A third of the requests are what the CRM sends (only ids and amounts vary), so the money paths and dedupe are reached. */
const clean = fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 2, arbitrary: fc.constant(false) });
const depth = fc.constantFrom(3, 64, 65, 200, 5000);

// ---- the base requests: the spec's examples, then ids drawn from small pools so repeats happen ----

const webhookBases = APIS.webhooks.operations.map((op) => APIS.webhooks.exampleInput(op.id).body as Record<string, unknown>);
const payBase = APIS.payUrl.exampleInput('getPaymentUrl').body as Record<string, unknown>;
const walletTransfer = { order_id: 'tr-1', external_user_id: 'user_456', currency: 'USD', amount: 25.5 };
const walletList = { skip: 0, limit: 20, external_user_id: ['user_456'] };

const webhookPlan: fc.Arbitrary<Plan> = fc
  .record({
    method,
    base: fc.constantFrom(...webhookBases),
    id: fc.constantFrom<unknown>('w1', 'w2', 'w3', 7, ''),
    mutations: fc.array(mutation(['source', 'data', 'target', 'version', 'event']), { maxLength: 2 }),
    inner: fc.array(mutation(['id', 'client_id', 'status', 'type']), { maxLength: 2 }),
    event: fc.option(fc.oneof(oddString, fc.constantFrom('crm.webhooks.users.create', 'crm.webhooks.requests.withdrawal.reject', '__proto__', 'crm.webhooks.__proto__.x')), { nil: undefined }),
    damage,
    at: fraction,
    depth,
    signing: fc.constantFrom('prefixed', 'prefixed', 'bare', 'upper', 'none', 'wrong', 'sha1=', 'spaces'),
    contentType,
    target: fc.constantFrom('/crm', '/crm', '/crm?x=%zz', '/', '/%ff/..', '/crm?__proto__=1'),
    noise,
    clean,
  })
  .map((r) => (r.clean ? { ...r, method: 'POST', mutations: [], inner: [], event: undefined, damage: 'none' as const, signing: 'prefixed' as const, contentType: 'application/json' } : r))
  .map((r) => {
    const data = mutate({ ...(r.base.data as object), [((r.base.source as { event: string }).event === 'crm.webhooks.users.create' ? 'client_id' : 'id')]: r.id }, r.inner);
    const source = r.event === undefined ? r.base.source : { ...(r.base.source as object), event: r.event };
    const bytes = damaged(JSON.stringify(mutate({ ...r.base, source, data }, r.mutations)) ?? 'null', r.damage, r.at, r.depth);
    const hex = webhookSignature(bytes);
    const signature = { prefixed: `sha256=${hex}`, bare: hex, upper: `SHA256=${hex.toUpperCase()}`, none: undefined, wrong: `sha256=${'0'.repeat(64)}`, 'sha1=': `sha1=${hex}`, spaces: `  sha256=${hex}  ` }[r.signing];
    return { method: r.method, target: r.target, body: bytes, headers: headerList({ 'content-type': r.contentType, 'x-crm-signature': signature }, r.noise) };
  });

const payPlan = fc
  .record({
    method,
    orderNo: fc.constantFrom<unknown>('o-1', 'o-2', ''),
    mutations: fc.array(mutation(['merchant_id', 'order_no', 'amount', 'currency', 'user_id', 'email', 'device', 'custom_1', 'sign']), { maxLength: 3 }),
    signing: fc.constantFrom('signed', 'signed', 'signed', 'kept', 'unsigned', 'wrong'),
    token: credential(SECRETS.payToken),
    damage,
    at: fraction,
    depth,
    contentType,
    target: fc.constantFrom('/pay/url', '/pay/url', '/pay/url?x=%zz', '/pay/url/', '/%2e%2e/pay/url'),
    noise,
    clean,
  })
  .map((r) => (r.clean ? { ...r, method: 'POST', mutations: [], signing: 'signed' as const, token: SECRETS.payToken, damage: 'none' as const, contentType: 'application/json' } : r))
  .map((r) => async (): Promise<Plan> => {
    const { sign: _sign, ...unsigned } = payBase;
    const fields = mutate({ ...unsigned, order_no: r.orderNo }, r.mutations);
    const isObject = fields !== null && typeof fields === 'object' && !Array.isArray(fields);
    const body = r.signing === 'signed' ? await withPspSign(fields) : r.signing === 'wrong' && isObject ? { ...fields, sign: 'F'.repeat(40) } : r.signing === 'kept' && isObject ? { ...fields, sign: payBase.sign } : fields;
    const bytes = damaged(JSON.stringify(body) ?? 'null', r.damage, r.at, r.depth);
    return { method: r.method, target: r.target, body: bytes, headers: headerList({ 'content-type': r.contentType, 'crm-pay-token': r.token }, r.noise) };
  });

const ratePlan: fc.Arbitrary<Plan> = fc
  .record({
    method: fc.oneof({ weight: 8, arbitrary: fc.constant('GET') }, { weight: 2, arbitrary: fc.constantFrom('POST', 'HEAD', 'DELETE', 'OPTIONS') }),
    key: credential(SECRETS.ratesKey),
    from: fc.oneof(fc.constantFrom('USD', 'EUR', 'usd', '', 'USDT', '%zz', '%00', '%E4%B8%AD', 'U%53D', '%ED%A0%80', '__proto__'), oddString.map(escaped)),
    to: fc.constantFrom('EUR', 'JPY', '', 'X'.repeat(20), '%ff'),
    extra: fc.constantFrom('', '&from=JPY', '&__proto__=x', '&to', '&&&', '&constructor=1', '#frag'),
    path: fc.constantFrom('/rate', '/rate', '/', '/rates/../rate', '//rate'),
    body: fc.constantFrom('', '', '{}', 'x'.repeat(MAX_BODY + 1)),
    noise,
  })
  .map((r) => ({ method: r.method, target: `${r.path}?from=${r.from}&to=${r.to}${r.extra}`, body: new TextEncoder().encode(r.body), headers: headerList({ key: r.key }, r.noise) }));

const walletPlan = fc
  .record({
    route: fc.constantFrom('credit', 'credit', 'debit', 'debit', 'list', 'getOne', 'unknown'),
    method,
    orderId: fc.constantFrom<unknown>('tr-1', 'tr-2', 'tr-3', 'tr-4', ''),
    amount: fc.oneof(fc.constantFrom<unknown>(25.5, 1, 0.01, 0.001, 1e-9, 1e21, 123456789012.5, 0, -5), oddNumber),
    mutations: fc.array(mutation(['order_id', 'external_user_id', 'currency', 'amount', 'wallet_id', 'skip', 'limit']), { maxLength: 2 }),
    signing: fc.constantFrom('signed', 'signed', 'signed', 'none', 'wrong', 'lower'),
    key: credential(SECRETS.walletKey),
    query: fc.constantFrom('external_user_id=user_456&currency=USD', 'external_user_id=&currency=USD', 'currency=usd', 'external_user_id=%zz&currency=USD', '__proto__=1&external_user_id=u&currency=USD', ''),
    damage,
    at: fraction,
    depth,
    contentType,
    base: fc.constantFrom('/wallets', '/api/v1/wallets', '/wallets//'),
    noise,
    clean,
  })
  .map((r) => (r.clean ? { ...r, method: 'POST', mutations: [], signing: 'signed' as const, key: SECRETS.walletKey, damage: 'none' as const, contentType: 'application/json' } : r))
  .map((r) => async (): Promise<Plan> => {
    const isTransfer = r.route === 'credit' || r.route === 'debit';
    const fields = mutate(isTransfer ? { ...walletTransfer, order_id: r.orderId, amount: r.amount } : walletList, r.mutations);
    const bytes = damaged(JSON.stringify(fields) ?? 'null', r.damage, r.at, r.depth);
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      parsed = undefined;
    }
    const signed = await walletSignature(parsed);
    const signature = { signed, none: undefined, wrong: 'F'.repeat(40), lower: signed.toLowerCase() }[r.signing];
    const path = r.base.replace(/\/+$/, '') + { credit: '/credit', debit: '/debit', list: '', getOne: '/getOne', unknown: '/delete' }[r.route];
    const get = r.route === 'getOne';
    return { method: get ? (r.method === 'POST' ? 'GET' : r.method) : r.method, target: get ? `${path}?${r.query}` : path, body: get ? new Uint8Array(0) : bytes, headers: headerList({ 'content-type': r.contentType, key: r.key, signature }, r.noise) };
  });

/** Percent-encoded as a client would send it; a lone surrogate (which encodeURIComponent refuses) as its raw UTF-8 bytes. */
function escaped(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}

function headerList(known: Record<string, string | undefined>, extra: [string, string][]): [string, string][] {
  const list = Object.entries(known).filter((entry): entry is [string, string] => entry[1] !== undefined);
  // Noise never overrides what the property chose to send (a second `key` would make the credential a list).
  for (const [name, value] of extra) if (!(name in known) && name !== 'content-length' && name !== 'transfer-encoding') list.push([name, value]);
  return list;
}

/** Every plan generator resolves to a Plan (some must sign asynchronously). */
const plans: Record<Name, fc.Arbitrary<() => Promise<Plan>>> = {
  webhooks: webhookPlan.map((plan) => async () => plan),
  payUrl: payPlan,
  rates: ratePlan.map((plan) => async () => plan),
  wallets: walletPlan,
};

// ---- what every answer must satisfy ----

/** The operation a request is for, when it routes to one (for its documented statuses and bodies). */
function operationOf(name: Name, plan: Plan): string | undefined {
  const path = plan.target.split(/[?#]/)[0]!.replace(/\/+$/, '');
  // Every webhook operation documents the same answers.
  if (name === 'webhooks') return 'receiveUserCreated';
  if (name === 'payUrl') return 'getPaymentUrl';
  if (name === 'rates') return 'getExternalRate';
  if (plan.method === 'POST' && path.endsWith('/wallets/credit')) return 'creditExternalWallet';
  if (plan.method === 'POST' && path.endsWith('/wallets/debit')) return 'debitExternalWallet';
  if (plan.method === 'POST' && path.endsWith('/wallets')) return 'listExternalWallets';
  if (plan.method === 'GET' && path.endsWith('/wallets/getOne')) return 'getExternalWallet';
  return undefined;
}

const counts = (receivers: Receivers) => Object.fromEntries(Object.entries(receivers.calls).map(([k, v]) => [k, v.length]));
const duplicates = (list: string[]) => list.filter((item, i) => list.indexOf(item) !== i);
const secretsIn = (text: string) => Object.values(SECRETS).filter((secret) => text.includes(secret));

/**
 * `adapter`: the answer came through toNodeHandler, whose own refusals (a bad Host or target, a method no fetch
 * Request carries, a GET body too large) are `{ type, message }` whichever receiver it fronts: a 4xx with a JSON
 * `type` is then enough. The receivers' own answers are the same as through fetch, where they are held to the spec.
 */
function checkAnswer(name: Name, plan: Plan, status: number, bodyText: string, wholeText: string, receivers: Receivers, before: Record<string, number>, adapter = false): void {
  const op = operationOf(name, plan);
  const api = APIS[name];
  const where = `${name} ${plan.method} ${plan.target} → ${status} ${bodyText.slice(0, 200)}`;
  expect({ where, secrets: secretsIn(wholeText) }).toEqual({ where, secrets: [] });
  expect({ where, fiveHundreds: status >= 500 }).toEqual({ where, fiveHundreds: false });
  expect({ where, known: status >= 200 && status < 500 }).toEqual({ where, known: true });
  const documented = op !== undefined && api.operationById(op).operation.responses?.[String(status)] !== undefined;
  // A HEAD answer carries no body, whatever its status.
  const body = plan.method === 'HEAD' || bodyText === '' ? undefined : (JSON.parse(bodyText) as unknown);
  const typed = status >= 400 && typeof (body as { type?: unknown } | undefined)?.type === 'string';
  if (documented && !(plan.method === 'HEAD' && body === undefined && status !== 204) && !(adapter && typed)) {
    expect({ where, errors: api.responseSchemaErrors(op!, status, body) }).toEqual({ where, errors: [] });
  } else if (plan.method !== 'HEAD') {
    expect({ where, status: status >= 400 && status < 500, type: typeof (body as { type?: unknown } | undefined)?.type }).toEqual({ where, status: true, type: 'string' });
  }
  if (REFUSED.has(status) || (status === 404 && (body as { type?: string } | undefined)?.type === 'invalid_request')) {
    // An amount finer than the wallet's decimals is refused once getWallet (a read) told them: nothing else ran.
    const read = /the wallet's decimals/.test(String((body as { message?: unknown } | undefined)?.message)) ? 1 : 0;
    expect({ where, ran: counts(receivers) }).toEqual({ where, ran: { ...before, getWallet: before.getWallet! + read } });
  }
  for (const list of ['webhook', 'credit', 'debit'] as const) {
    // A webhook without an id is keyed by its bytes, which this record cannot see: only ids are compared.
    const keys = list === 'webhook' ? receivers.calls.webhook.filter((key) => !/:(null|""|\{.*|\[.*|true|false)$/.test(key)) : receivers.calls[list];
    expect({ where, list, twice: duplicates(keys) }).toEqual({ where, list, twice: [] });
  }
  expect({ where, reportSecrets: secretsIn(receivers.reports.join('\n')) }).toEqual({ where, reportSecrets: [] });
}

// ---- the runs ----

const unhandled: unknown[] = [];
const onUnhandled = (error: unknown) => void unhandled.push(error);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  expect(unhandled).toEqual([]);
});

const RUNS = { fetch: 200, node: 80 };
const NAMES: Name[] = ['webhooks', 'payUrl', 'rates', 'wallets'];
const stats: Record<string, Record<number, number>> = {};
const tally = (label: string, status: number) => ((stats[label] ??= {})[status] = (stats[label]![status] ?? 0) + 1);
afterAll(() => process.stdout.write(`receiver properties (status counts): ${JSON.stringify(stats)}\n`));

describe.each(NAMES)('%s', (name) => {
  it(`as a fetch handler: ${RUNS.fetch} hostile requests keep every invariant`, async () => {
    const receivers = buildReceivers({ maxBodyBytes: MAX_BODY });
    await fc.assert(
      fc.asyncProperty(plans[name], async (make) => {
        const plan = await make();
        let request: Request;
        try {
          const bodyless = plan.method === 'GET' || plan.method === 'HEAD';
          request = new Request(`https://tenant.test${plan.target}`, { method: plan.method, headers: plan.headers, ...(bodyless ? {} : { body: plan.body }) });
        } catch {
          return; // not a request a fetch runtime could hand over
        }
        const before = counts(receivers);
        const response = await receivers[name](request); // a throw fails the property
        const text = await response.text();
        tally(`${name}/fetch`, response.status);
        let headers = '';
        response.headers.forEach((value, key) => (headers += `${key}: ${value}\n`));
        checkAnswer(name, plan, response.status, text, headers + text, receivers, before);
      }),
      { seed: 24, numRuns: RUNS.fetch, endOnFailure: true },
    );
  });

  it(`mounted with toNodeHandler on loopback: ${RUNS.node} hostile requests (bad Host, odd methods, raw bytes) keep every invariant`, async () => {
    const receivers = buildReceivers({ maxBodyBytes: MAX_BODY });
    const mounted = await mountReceivers(receivers);
    const port = mounted.ports[name];
    const host = fc.oneof({ weight: 8, arbitrary: fc.constant(`127.0.0.1:${port}`) }, { weight: 3, arbitrary: fc.constantFrom('localhost', '[::1]', 'tenant.test:443', '', '[', 'a b', 'x/wallets/credit#', 'user@host', 'x:99999', '%41', 'é.test', '127.0.0.1:' + port + '/crm?') });
    const wireMethod = fc.oneof({ weight: 10, arbitrary: fc.constant<string | undefined>(undefined) }, { weight: 1, arbitrary: fc.constantFrom<string | undefined>('TRACE', 'M-SEARCH', 'PROPFIND', 'PURGE') });
    try {
      await fc.assert(
        fc.asyncProperty(plans[name], host, wireMethod, async (make, hostHeader, overrideMethod) => {
          // The Host header is the wire's own (the fetch handler gets a fixed origin).
          const plan = await make();
          if (overrideMethod) plan.method = overrideMethod;
          const lines = [`${plan.method} ${plan.target.replace(/[^\x21-\x7e]/g, encodeURIComponent)} HTTP/1.1`, ...(hostHeader === '' ? [] : [`Host: ${hostHeader}`])];
          for (const [header, value] of plan.headers) lines.push(`${header}: ${value.replace(/[\r\n]/g, '')}`);
          lines.push(`Content-Length: ${plan.body.byteLength}`);
          const before = counts(receivers);
          const answer = await rawHttp(port, lines.join('\r\n'), plan.body);
          tally(`${name}/node`, answer.status);
          // Node itself refuses what its HTTP parser cannot read (400 text, before any handler): not ours to shape.
          if (answer.status === 400 && !answer.headers['content-type']?.includes('json')) return;
          expect({ plan: lines[0], status: answer.status }).not.toEqual({ plan: lines[0], status: 0 });
          checkAnswer(name, plan, answer.status, answer.body, answer.raw, receivers, before, true);
        }),
        { seed: 2024, numRuns: RUNS.node, endOnFailure: true },
      );
    } finally {
      await mounted.stop();
    }
  });
});
