// Webhooks: every documented event, signed as the CRM signs it, is verified and typed; anything tampered with
// is refused. The receiver answers 204 before the tenant's work runs.
import { createHmac } from 'node:crypto';
import { createWebhookHandler, verifyWebhook, type WebhookEventOf } from '../src/receivers/webhooks';
import { WebhookVerificationError } from '../src/core/errors';
import { registerSecret } from './harness/output-scan';
import { seededRandom } from './harness/random';
import { loadApi } from './harness/spec';

const api = loadApi('crm-webhooks');
const SECRET = 'webhook-secret-token-42';
registerSecret(SECRET);
const hmac = (body: string | Buffer, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');

const events = api.operations.map((op) => ({ id: op.id, body: api.exampleInput(op.id).body as { source: { event: string } } }));
const deliver = (raw: string, headers: Record<string, string>) =>
  new Request('https://receiver.test/crm', { method: 'POST', body: raw, headers: { 'content-type': 'application/json', ...headers } });

describe('the published test vector', () => {
  it("HMAC-SHA256(\"It's a Secret to Everybody\", \"Hello, World!\") verifies with and without the sha256= prefix", async () => {
    const vector = '757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    for (const signature of [vector, `sha256=${vector}`, vector.toUpperCase()]) {
      // The signature passes; the body is then refused only because it is not an event.
      await expect(verifyWebhook({ rawBody: 'Hello, World!', signature, secret: "It's a Secret to Everybody" })).rejects.toMatchObject({ reason: 'invalid_payload' });
    }
    await expect(verifyWebhook({ rawBody: 'Hello, World!', signature: vector, secret: "It's a Secret to Everybody!" })).rejects.toMatchObject({ reason: 'invalid_signature' });
  });
});

describe('a signature that is missing or not a digest', () => {
  const rawBody = JSON.stringify(events[0]!.body);
  it.each([undefined, null, ''])('%p is missing_signature, and the message says so', async (signature) => {
    await expect(verifyWebhook({ rawBody, signature: signature as string, secret: SECRET })).rejects.toMatchObject({ reason: 'missing_signature', message: 'X-Crm-Signature is missing' });
  });
  it.each([0, false, true, 12345, [], {}, 'abc', `sha1=${hmac(rawBody)}`, ` ${hmac(rawBody).slice(1)}`])('%p is invalid_signature (present, of whatever type)', async (signature) => {
    await expect(verifyWebhook({ rawBody, signature: signature as string, secret: SECRET })).rejects.toMatchObject({ reason: 'invalid_signature', message: 'X-Crm-Signature must be a SHA-256 hex digest' });
  });
});

describe.each(events)('$id', ({ id, body }) => {
  const raw = JSON.stringify(body);

  it('verifies the example as sent (sha256= and bare hex) and returns the event unchanged', async () => {
    for (const signature of [`sha256=${hmac(raw)}`, hmac(raw)]) {
      expect(await verifyWebhook({ rawBody: raw, signature, secret: SECRET })).toEqual(body);
      expect(await verifyWebhook({ rawBody: new TextEncoder().encode(raw), signature, secret: SECRET })).toEqual(body);
    }
  });

  it('the handler answers 204 and runs the handler for its event slug', async () => {
    const received: unknown[] = [];
    let done!: () => void;
    const ran = new Promise<void>((resolve) => (done = resolve));
    const handler = createWebhookHandler({ secret: SECRET, on: { [body.source.event]: (event: unknown) => (received.push(event), done()) } });
    const response = await handler(deliver(raw, { 'x-crm-signature': `sha256=${hmac(raw)}` }));
    expect(response.status).toBe(204);
    expect(api.responseSchemaErrors(id, 204, undefined)).toEqual([]);
    await ran;
    expect(received).toEqual([body]);
  });

  it('the handler answers 401 (documented body) to a missing or wrong signature, and runs nothing', async () => {
    const ran: unknown[] = [];
    const handler = createWebhookHandler({ secret: SECRET, on: { [body.source.event]: (e: unknown) => ran.push(e) } });
    for (const headers of [{}, { 'x-crm-signature': hmac(raw, 'another-secret') }, { 'x-crm-signature': 'sha1=abc' }] as Record<string, string>[]) {
      const response = await handler(deliver(raw, headers));
      expect(response.status).toBe(401);
      const answer = await response.json();
      expect(api.responseSchemaErrors(id, 401, answer)).toEqual([]);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(ran).toEqual([]);
  });
});

// Issue 29: the events are a union by `source.event` whose `data` has the documented fields as required, so a
// handler reads `event.data.client_id` as a string (`npm run typecheck` fails on these lines otherwise).
it('a handler gets its event typed: data.client_id and data.id are strings, source.event narrowed', async () => {
  const seen: string[] = [];
  const handler = createWebhookHandler({
    secret: SECRET,
    on: {
      'crm.webhooks.users.create': (e) => {
        const id: string = e.data.client_id;
        const how: 'admin_created' | 'approved_registration' | 'self_registration' = e.data.creation_type;
        const slug: 'crm.webhooks.users.create' = e.source.event;
        seen.push(`${slug} ${id} ${how} ${e.data.phone.number.length}`);
      },
      'crm.webhooks.requests.withdrawal.approve.node.1': (e) => {
        const id: string = e.data.id;
        const user: string = e.data.user_id;
        seen.push(`${e.source.event} ${id} ${user}`);
      },
    },
  });
  for (const id of ['receiveUserCreated', 'receiveWithdrawalApproved']) {
    const raw = JSON.stringify(events.find((e) => e.id === id)!.body);
    expect((await handler(deliver(raw, { 'x-crm-signature': hmac(raw) }))).status).toBe(204);
  }
  expect(seen).toEqual(['crm.webhooks.users.create 77889900 admin_created 0', expect.stringMatching(/^crm\.webhooks\.requests\.withdrawal\.approve\.node\.1 \S+ \S+$/)]);
});

describe('the receiver', () => {
  const event = events.find((e) => e.id === 'receiveWithdrawalApproved')!.body;
  const raw = JSON.stringify(event);

  it("acknowledge: 'after-persist' answers 204 once persist resolved, before the handler starts; its failure is reported", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const steps: string[] = [];
    const errors: unknown[] = [];
    let settled!: () => void;
    const reported = new Promise<void>((resolve) => (settled = resolve));
    const handler = createWebhookHandler({
      secret: SECRET,
      acknowledge: 'after-persist',
      persist: (e, { key }) => void steps.push(`persisted ${key}`),
      on: {
        'crm.webhooks.requests.withdrawal.approve.node.1': async (e: WebhookEventOf<'crm.webhooks.requests.withdrawal.approve.node.1'>) => {
          steps.push(`started ${e.data.id}`);
          await gate;
          throw new Error('tenant work failed');
        },
      },
      onError: (error, context) => (errors.push([error, context]), settled()),
    });
    const response = await handler(deliver(raw, { 'x-crm-signature': hmac(raw) }));
    expect(response.status).toBe(204);
    expect(steps).toEqual(['persisted crm.webhooks.requests.withdrawal.approve.node.1:w8k2m4q1']); // stored, not yet handled
    release();
    await reported;
    expect(steps).toEqual(['persisted crm.webhooks.requests.withdrawal.approve.node.1:w8k2m4q1', 'started w8k2m4q1']);
    expect(errors).toEqual([[new Error('tenant work failed'), { receiver: 'webhooks', step: 'handler', event: 'crm.webhooks.requests.withdrawal.approve.node.1', key: 'crm.webhooks.requests.withdrawal.approve.node.1:w8k2m4q1' }]]);
  });

  it('hands the after-persist work to waitUntil when given', async () => {
    const kept: Promise<unknown>[] = [];
    const handler = createWebhookHandler({
      secret: SECRET,
      acknowledge: 'after-persist',
      persist: () => undefined,
      on: { 'crm.webhooks.requests.withdrawal.approve.node.1': () => undefined },
      waitUntil: (p) => kept.push(p),
    });
    await handler(deliver(raw, { 'x-crm-signature': hmac(raw) }));
    expect(kept).toHaveLength(1);
    await kept[0];
  });

  it('acknowledges an event it has no handler for; refuses non-events (400) and other methods (405)', async () => {
    const handler = createWebhookHandler({ secret: SECRET, on: {} });
    expect((await handler(deliver(raw, { 'x-crm-signature': hmac(raw) }))).status).toBe(204);
    const notEvent = '{"hello":"world"}';
    expect((await handler(deliver(notEvent, { 'x-crm-signature': hmac(notEvent) }))).status).toBe(400);
    expect((await handler(new Request('https://receiver.test/crm', { method: 'GET' }))).status).toBe(405);
  });

  it('refuses to be created without a secret', () => {
    expect(() => createWebhookHandler({ secret: '', on: {} })).toThrow(TypeError);
  });
});

describe('fuzz: tampered deliveries are refused, intact ones accepted', () => {
  const random = seededRandom(20261125);
  const bases = [
    ...events.map((e) => e.body),
    // Non-ASCII in every corner: names, labels, values.
    ...Array.from({ length: 20 }, () => ({ source: { service: 'requests', group: 'crm.webhooks.groups.users.create', event: 'crm.webhooks.users.create' }, target: { name: random.text() }, version: '1.0.0', data: { client_id: random.text(8), client_name: random.text(), email: `${random.text(5)}@mail.test` } })),
  ];

  type Json = Record<string, unknown>;
  const leaves = (value: unknown, path: string[] = []): string[][] =>
    value !== null && typeof value === 'object' ? Object.entries(value as Json).flatMap(([k, v]) => leaves(v, [...path, k])) : [path];
  const withLeaf = (value: Json, path: string[], replace: (old: unknown) => unknown): Json => {
    const copy = structuredClone(value);
    const parent = path.slice(0, -1).reduce<Json>((at, key) => at[key] as Json, copy);
    const key = path.at(-1)!;
    parent[key] = replace(parent[key]);
    return copy;
  };
  const shuffledKeys = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const entries = Object.entries(value as Json);
    for (let i = entries.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [entries[i], entries[j]] = [entries[j]!, entries[i]!];
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, shuffledKeys(v)]));
  };

  /** A delivery signed for `original` but carrying different bytes, or signed with the wrong secret. */
  function tampered(original: Json): { raw: string | Uint8Array; signature: string; kind: string } {
    const raw = JSON.stringify(original);
    const signature = hmac(raw);
    switch (random.int(4)) {
      case 0: {
        const bytes = new TextEncoder().encode(raw);
        bytes[random.int(bytes.length)]! ^= 1 << random.int(8);
        return { raw: bytes, signature, kind: 'byte' };
      }
      case 1: {
        const path = random.pick(leaves(original));
        const changed = withLeaf(original, path, (old) => (typeof old === 'number' ? old + 1 : typeof old === 'boolean' ? !old : `${String(old)}${random.text(1)}`));
        return { raw: JSON.stringify(changed), signature, kind: 'field' };
      }
      case 2: {
        let reordered = JSON.stringify(shuffledKeys(original));
        while (reordered === raw) reordered = JSON.stringify(shuffledKeys(original));
        return { raw: reordered, signature, kind: 'key order' };
      }
      default:
        return { raw, signature: hmac(raw, `${SECRET}${random.text(1)}`), kind: 'secret' };
    }
  }

  it('0 of 1,200 tampered deliveries accepted; 100% of 1,200 intact ones accepted', async () => {
    let accepted = 0;
    let intactAccepted = 0;
    const kinds: Record<string, number> = {};
    for (let i = 0; i < 1200; i++) {
      const base = random.pick(bases) as Json;
      const attack = tampered(base);
      kinds[attack.kind] = (kinds[attack.kind] ?? 0) + 1;
      const outcome = await verifyWebhook({ rawBody: attack.raw, signature: attack.signature, secret: SECRET }).then(
        () => 'accepted',
        (e: unknown) => (e instanceof WebhookVerificationError ? e.reason : 'threw'),
      );
      if (outcome === 'accepted' || outcome === 'invalid_payload') accepted += 1;
      const raw = JSON.stringify(shuffledKeys(base));
      if (await verifyWebhook({ rawBody: raw, signature: `sha256=${hmac(raw)}`, secret: SECRET }).then(() => true, () => false)) intactAccepted += 1;
    }
    process.stdout.write(`webhook fuzz: 1200 tampered (${JSON.stringify(kinds)}), accepted ${accepted}; 1200 intact, accepted ${intactAccepted}\n`);
    expect(accepted).toBe(0);
    expect(intactAccepted).toBe(1200);
    expect(Object.keys(kinds).sort()).toEqual(['byte', 'field', 'key order', 'secret']);
  });
});
