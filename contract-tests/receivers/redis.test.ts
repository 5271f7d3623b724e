// redisDedupeStore against a real redis-server on loopback: its semantics (a claim is a lease its owner renews,
// so only a crashed owner's claim lapses), and 1,000 concurrent duplicate deliveries across two receiver
// instances (each with its own connection) sharing it: every event's handler runs exactly once; a duplicate is
// acknowledged only once its event was handled.
import { createHmac } from 'node:crypto';
import { redisDedupeStore, type RedisCommander } from '../../src/redis/index';
import { createWebhookHandler, type CrmWebhookEvent } from '../../src/receivers/webhooks';
import { registerSecret } from '../harness/output-scan';
import { REDIS_SKIPPED, useRedisServer } from '../harness/redis-server';
import { loadApi } from '../harness/spec';

const SECRET = 'redis-webhook-secret-2';
registerSecret(SECRET);
const approved = loadApi('crm-webhooks').exampleInput('receiveWithdrawalApproved').body as CrmWebhookEvent;
const EVENT = 'crm.webhooks.requests.withdrawal.approve.node.1' as const;

const suite = REDIS_SKIPPED ? describe.skip : describe;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A connection that can be made to stop answering, as a crashed (or frozen) process's would. */
function crashable(client: RedisCommander) {
  let alive = true;
  return { sendCommand: (args: string[]) => (alive ? client.sendCommand(args) : new Promise<never>(() => undefined)), crash: () => void (alive = false), revive: () => void (alive = true) };
}
suite('redisDedupeStore (real redis-server on 127.0.0.1)', () => {
  const { connect } = useRedisServer();

  it('claims once, reports pending and done, releases only an unfinished claim', async () => {
    const store = redisDedupeStore(await connect(), { prefix: 'semantics:' });
    expect(await store.claim('k1', 60_000)).toBe('claimed');
    expect(await store.claim('k1', 60_000)).toBe('pending');
    await store.release('k1');
    expect(await store.claim('k1', 60_000)).toBe('claimed');
    await store.complete('k1', 60_000);
    await store.release('k1'); // a done key stays done
    expect(await store.claim('k1', 60_000)).toBe('done');
  });

  it("renews a live owner's claim past its ttl; lets a crashed owner's lapse; a late owner never frees another's claim", async () => {
    const client = await connect();
    const errors: unknown[] = [];
    const live = redisDedupeStore(client, { prefix: 'lease:' });
    const other = redisDedupeStore(client, { prefix: 'lease:' });
    // Leases of 600 ms, renewed every 200 ms: a renewal may come 400 ms late on a loaded machine.
    expect(await live.claim('k2', 600)).toBe('claimed');
    await sleep(1500); // over two leases
    expect(await other.claim('k2', 600)).toBe('pending'); // renewed while held
    await live.complete('k2', 60_000);
    expect(await other.claim('k2', 600)).toBe('done');

    const connection = crashable(client);
    const dying = redisDedupeStore(connection, { prefix: 'lease:', onError: (error) => errors.push(error) });
    expect(await dying.claim('k3', 600)).toBe('claimed');
    connection.crash();
    await sleep(1000);
    expect(await other.claim('k3', 600)).toBe('claimed'); // the crashed owner's claim lapsed
    connection.revive();
    await dying.release('k3'); // the old owner comes back: its release must not free the new owner's claim
    expect(await live.claim('k3', 600)).toBe('pending');
    await other.release('k3');
    expect(await live.claim('k3', 600)).toBe('claimed');
    await live.release('k3');
    expect(errors).toEqual([]); // its renewals hung (never answered), so nothing was reported
  });

  it('a delivery whose process died while handling it: answered non-2xx, and after the lapse its resend is handled once', async () => {
    const client = await connect();
    const connection = crashable(client);
    const shortLease = (store: ReturnType<typeof redisDedupeStore>) => ({ ...store, claim: (key: string) => store.claim(key, 600) });
    let handledAfterRestart = 0;
    const dying = createWebhookHandler({ secret: SECRET, dedupe: shortLease(redisDedupeStore(connection, { prefix: 'restart:' })), timeoutMs: 30, onError: () => undefined, on: { [EVENT]: () => new Promise(() => undefined) } });
    const raw = JSON.stringify(approved);
    const delivery = () => new Request('https://tenant.test/crm', { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'x-crm-signature': createHmac('sha256', SECRET).update(raw).digest('hex') } });
    expect((await dying(delivery())).status).toBe(503);
    const restarted = createWebhookHandler({ secret: SECRET, dedupe: shortLease(redisDedupeStore(client, { prefix: 'restart:' })), on: { [EVENT]: () => void (handledAfterRestart += 1) } });
    expect((await restarted(delivery())).status).toBe(409); // the dying process still renews its claim
    connection.crash();
    await sleep(1000);
    expect((await restarted(delivery())).status).toBe(204);
    expect((await restarted(delivery())).status).toBe(204);
    expect(handledAfterRestart).toBe(1);
  });

  it('refuses something that is not a connected client', () => {
    expect(() => redisDedupeStore({} as never)).toThrow(/pass a connected node-redis client/);
  });

  it('1,000 concurrent duplicate deliveries over two instances: each of 100 events handled exactly once', async () => {
    const runs = new Map<string, number>();
    const instance = async () =>
      createWebhookHandler({
        secret: SECRET,
        dedupe: redisDedupeStore(await connect(), { prefix: 'load:' }),
        on: {
          [EVENT]: async (event) => {
            const id = String(event.data.id);
            runs.set(id, (runs.get(id) ?? 0) + 1);
            await new Promise((resolve) => setTimeout(resolve, 2));
          },
        },
      });
    const instances = [await instance(), await instance()];
    const bodies = Array.from({ length: 100 }, (_, i) => JSON.stringify({ ...approved, data: { ...approved.data, id: `ev${String(i).padStart(6, '0')}` } }));
    const send = (raw: string, i: number) =>
      instances[i % 2]!(new Request('https://tenant.test/crm', { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'x-crm-signature': createHmac('sha256', SECRET).update(raw).digest('hex') } }));
    // 10 copies of each event, interleaved, all at once.
    const deliveries = Array.from({ length: 1000 }, (_, i) => bodies[i % 100]!);
    const statuses = await Promise.all(deliveries.map((raw, i) => send(raw, i).then((r) => r.status)));
    const counted = statuses.reduce<Record<number, number>>((acc, status) => ({ ...acc, [status]: (acc[status] ?? 0) + 1 }), {});
    // A 409 is "being handled elsewhere": the CRM's log shows it, and its resend is acknowledged without a rerun.
    const resent = await Promise.all(deliveries.filter((_, i) => statuses[i] === 409).map((raw, i) => send(raw, i).then((r) => r.status)));
    process.stdout.write(`redis dedupe: 1000 deliveries (100 events x 10) over 2 instances: ${JSON.stringify(counted)}; ${resent.length} resent, all ${[...new Set(resent)].join(',')}; handler runs ${[...runs.values()].reduce((a, b) => a + b, 0)}\n`);
    expect(runs.size).toBe(100);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(Object.keys(counted).sort()).toEqual(expect.arrayContaining(['204']));
    expect(statuses.every((s) => s === 204 || s === 409)).toBe(true);
    expect(resent.every((s) => s === 204)).toBe(true);
  });
});
