// What the webhook receiver acknowledges: 2xx only once the tenant's handler finished (or `persist` stored the
// event); a failure or a missed deadline answers non-2xx and leaves no de-duplication claim behind, so the
// CRM's resend is handled, exactly once.
import { createHmac } from 'node:crypto';
import { memoryDedupeStore, type DedupeStore } from '../../src/receivers/common/dedupe';
import { createWebhookHandler, webhookDeliveryKey, type CrmWebhookEvent } from '../../src/receivers/webhooks';
import { registerSecret } from '../harness/output-scan';
import { loadApi } from '../harness/spec';

const SECRET = 'delivery-webhook-secret-1';
registerSecret(SECRET);
const api = loadApi('crm-webhooks');
const approved = api.exampleInput('receiveWithdrawalApproved').body as CrmWebhookEvent;
const EVENT = 'crm.webhooks.requests.withdrawal.approve.node.1' as const;

const delivery = (event: object = approved) => {
  const raw = JSON.stringify(event);
  return () => new Request('https://tenant.test/crm', { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'x-crm-signature': 'sha256=' + createHmac('sha256', SECRET).update(raw).digest('hex') } });
};
const withNode = (node: number) => ({ ...approved, source: { ...approved.source, event: `crm.webhooks.requests.withdrawal.approve.node.${node}` } });

/** A store that records each call, over the memory store. */
function observedStore(): DedupeStore & { calls: string[]; inner: ReturnType<typeof memoryDedupeStore> } {
  const inner = memoryDedupeStore();
  const calls: string[] = [];
  return {
    inner,
    calls,
    claim: async (key, ttl) => {
      const result = await inner.claim(key, ttl);
      calls.push(`claim ${result}`);
      return result;
    },
    complete: async (key, ttl) => (calls.push('complete'), inner.complete(key, ttl)),
    release: async (key) => (calls.push('release'), inner.release(key)),
  };
}

it('answers 204 only after the handler finished, and drops the duplicate without running it again', async () => {
  const steps: string[] = [];
  const handler = createWebhookHandler({
    secret: SECRET,
    on: {
      [EVENT]: async () => {
        steps.push('handling');
        await new Promise((resolve) => setTimeout(resolve, 5));
        steps.push('handled');
      },
    },
  });
  const send = delivery();
  const first = await handler(send());
  expect({ status: first.status, steps }).toEqual({ status: 204, steps: ['handling', 'handled'] });
  const again = await handler(send());
  expect({ status: again.status, steps }).toEqual({ status: 204, steps: ['handling', 'handled'] });
});

it('a failing handler gets 500 (reported, without the body or signature) and leaves no claim: the resend is handled once', async () => {
  const store = observedStore();
  const reports: unknown[] = [];
  let fail = true;
  let runs = 0;
  const handler = createWebhookHandler({
    secret: SECRET,
    dedupe: store,
    onError: (error, context) => reports.push([(error as Error).message, context]),
    on: {
      [EVENT]: () => {
        runs += 1;
        if (fail) throw new Error('database down');
      },
    },
  });
  const send = delivery();
  expect((await handler(send())).status).toBe(500);
  expect(store.calls).toEqual(['claim claimed', 'release']);
  expect(store.inner.size).toBe(0);
  expect(reports).toEqual([['database down', { receiver: 'webhooks', step: 'handler', event: EVENT, key: `${EVENT}:w8k2m4q1` }]]);
  fail = false;
  expect((await handler(send())).status).toBe(204);
  expect((await handler(send())).status).toBe(204);
  expect(runs).toBe(2); // the failed run, then the resend once
  expect(JSON.stringify(reports)).not.toContain(SECRET);
});

it('a handler past the deadline gets 503 and its signal aborted, leaving no claim', async () => {
  const store = observedStore();
  let aborted = false;
  const handler = createWebhookHandler({
    secret: SECRET,
    dedupe: store,
    timeoutMs: 30,
    onError: () => undefined,
    on: { [EVENT]: (_e, { signal }) => new Promise((resolve) => signal.addEventListener('abort', () => ((aborted = true), resolve(undefined)))) },
  });
  const answer = await handler(delivery()());
  expect({ status: answer.status, body: await answer.json(), aborted }).toEqual({ status: 503, body: { type: 'handler_timeout' }, aborted: true });
  expect(store.calls).toEqual(['claim claimed', 'release']);
});

it('the process stopped between delivery and handling: the delivery is answered non-2xx, and after a restart its resend is handled once', async () => {
  const shared = memoryDedupeStore(); // stands in for the store that outlives a process (Redis: see redis.test.ts)
  let handledAfterRestart = 0;
  const dying = createWebhookHandler({ secret: SECRET, dedupe: shared, timeoutMs: 30, onError: () => undefined, on: { [EVENT]: () => new Promise(() => undefined) } });
  expect((await dying(delivery()())).status).toBe(503);
  const restarted = createWebhookHandler({ secret: SECRET, dedupe: shared, on: { [EVENT]: () => void (handledAfterRestart += 1) } });
  expect((await restarted(delivery()())).status).toBe(204);
  expect((await restarted(delivery()())).status).toBe(204);
  expect(handledAfterRestart).toBe(1);
});

it('a duplicate arriving while the first is being handled gets 409 (not acknowledged); once handled, 204', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let runs = 0;
  const handler = createWebhookHandler({ secret: SECRET, on: { [EVENT]: async () => ((runs += 1), await gate) } });
  const first = handler(delivery()());
  await new Promise((resolve) => setTimeout(resolve, 5));
  const duplicate = await handler(delivery()());
  expect({ status: duplicate.status, body: await duplicate.json() }).toEqual({ status: 409, body: { type: 'delivery_in_progress' } });
  release();
  expect((await first).status).toBe(204);
  expect((await handler(delivery()())).status).toBe(204);
  expect(runs).toBe(1);
});

it('each approval node is its own delivery; dedupe: false handles every delivery', async () => {
  const keys = await Promise.all([1, 2].map((node) => webhookDeliveryKey(withNode(node) as CrmWebhookEvent, new Uint8Array())));
  expect(keys).toEqual(['crm.webhooks.requests.withdrawal.approve.node.1:w8k2m4q1', 'crm.webhooks.requests.withdrawal.approve.node.2:w8k2m4q1']);
  const userCreated = api.exampleInput('receiveUserCreated').body as CrmWebhookEvent;
  expect(await webhookDeliveryKey(userCreated, new Uint8Array())).toBe('crm.webhooks.users.create:77889900');
  let runs = 0;
  const counting = { [EVENT]: () => void (runs += 1), 'crm.webhooks.requests.withdrawal.approve.node.2': () => void (runs += 1) };
  const deduped = createWebhookHandler({ secret: SECRET, on: counting });
  for (const node of [1, 2, 1, 2]) await deduped(delivery(withNode(node))());
  expect(runs).toBe(2);
  const every = createWebhookHandler({ secret: SECRET, dedupe: false, on: counting });
  for (const node of [1, 1]) await every(delivery(withNode(node))());
  expect(runs).toBe(4);
});

describe("acknowledge: 'after-persist'", () => {
  it('requires persist, and refuses persist without it', () => {
    expect(() => createWebhookHandler({ secret: SECRET, on: {}, acknowledge: 'after-persist' })).toThrow(/requires `persist`/);
    expect(() => createWebhookHandler({ secret: SECRET, on: {}, persist: () => undefined })).toThrow(/`persist` is used with `acknowledge: 'after-persist'`/);
  });

  it('a failing persist gets 500 and no claim; the resend is stored once', async () => {
    const stored: string[] = [];
    let fail = true;
    const handler = createWebhookHandler({
      secret: SECRET,
      acknowledge: 'after-persist',
      onError: () => undefined,
      persist: (_event, { key }) => {
        if (fail) throw new Error('queue down');
        stored.push(key);
      },
      on: {},
    });
    expect((await handler(delivery()())).status).toBe(500);
    fail = false;
    expect((await handler(delivery()())).status).toBe(204);
    expect((await handler(delivery()())).status).toBe(204);
    expect(stored).toEqual([`${EVENT}:w8k2m4q1`]);
  });
});

describe('the in-memory store is bounded', () => {
  it('keeps at most maxEntries keys and forgets a key after its time to live', async () => {
    let now = 0;
    const store = memoryDedupeStore({ maxEntries: 3, now: () => now });
    for (const key of ['a', 'b', 'c', 'd']) {
      expect(await store.claim(key, 1000)).toBe('claimed');
      await store.complete(key, 1000);
    }
    expect(store.size).toBe(3);
    expect(await store.claim('a', 1000)).toBe('claimed'); // the oldest was dropped
    expect(await store.claim('d', 1000)).toBe('done');
    now = 1000;
    expect(await store.claim('d', 1000)).toBe('claimed'); // expired
  });
});
