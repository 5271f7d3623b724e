// redisDedupeStore against a real redis-server on loopback: its semantics, and 1,000 concurrent duplicate
// deliveries across two receiver instances (each with its own connection) sharing it: every event's handler
// runs exactly once; a duplicate is acknowledged only once its event was handled.
import { createHmac } from 'node:crypto';
import { createClient } from 'redis';
import { redisDedupeStore } from '../../src/redis/index';
import { createWebhookHandler, type CrmWebhookEvent } from '../../src/receivers/webhooks';
import { registerSecret } from '../harness/output-scan';
import { REDIS_SKIPPED, startRedisServer, type RedisServer } from '../harness/redis-server';
import { loadApi } from '../harness/spec';

const SECRET = 'redis-webhook-secret-2';
registerSecret(SECRET);
const approved = loadApi('crm-webhooks').exampleInput('receiveWithdrawalApproved').body as CrmWebhookEvent;
const EVENT = 'crm.webhooks.requests.withdrawal.approve.node.1' as const;

const suite = REDIS_SKIPPED ? describe.skip : describe;
suite('redisDedupeStore (real redis-server on 127.0.0.1)', () => {
  let server: RedisServer;
  const clients: { quit(): Promise<unknown> }[] = [];
  const connect = async () => {
    const client = createClient({ url: server.url });
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    for (const client of clients) await client.quit();
    await server?.stop();
  });

  it('claims once, reports pending and done, releases only an unfinished claim, and lets claims lapse', async () => {
    const store = redisDedupeStore(await connect(), { prefix: 'semantics:' });
    expect(await store.claim('k1', 60_000)).toBe('claimed');
    expect(await store.claim('k1', 60_000)).toBe('pending');
    await store.release('k1');
    expect(await store.claim('k1', 60_000)).toBe('claimed');
    await store.complete('k1', 60_000);
    await store.release('k1'); // a done key stays done
    expect(await store.claim('k1', 60_000)).toBe('done');
    expect(await store.claim('k2', 20)).toBe('claimed');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await store.claim('k2', 60_000)).toBe('claimed'); // the crashed owner's claim lapsed
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
