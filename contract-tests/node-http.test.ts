// The handlers are plain `(Request) => Promise<Response>`: mounted in Node's http through a kept adapter
// (@hono/node-server's getRequestListener), exactly as the README shows, and called over loopback.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createExchangeRateHandler, createExternalWalletHandler, createWebhookHandler } from '../src/index';
import { registerSecret } from './harness/output-scan';

const SECRET = 'node-http-webhook-secret';
registerSecret(SECRET);

async function listen(handler: (request: Request) => Promise<Response>): Promise<{ url: string; server: Server }> {
  const server = createServer(getRequestListener(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

it('a webhook receiver in node:http verifies the raw bytes it received (non-ASCII body)', async () => {
  const received: string[] = [];
  const { url, server } = await listen(
    createWebhookHandler({ secret: SECRET, on: { 'crm.webhooks.users.create': (event) => void received.push(event.data.client_name ?? '') } }),
  );
  servers.push(server);
  const body = JSON.stringify({ source: { service: 'admin-api', group: 'crm.webhooks.groups.users.create', event: 'crm.webhooks.users.create' }, target: { name: '用户创建' }, version: '1.0.0', data: { client_name: 'Zoë 中文' } });
  const signature = createHmac('sha256', SECRET).update(body).digest('hex');
  const ok = await fetch(`${url}/crm`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-crm-signature': signature }, body });
  expect(ok.status).toBe(204);
  const bad = await fetch(`${url}/crm`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-crm-signature': signature }, body: body.replace('Zoë', 'Zoe') });
  expect(bad.status).toBe(401);
  while (received.length === 0) await new Promise((resolve) => setImmediate(resolve));
  expect(received).toEqual(['Zoë 中文']);
});

it('a rate API and a wallet service in node:http', async () => {
  const rates = await listen(createExchangeRateHandler({ apiKey: 'rates-key-0001', getRate: () => 1.25 }));
  const wallets = await listen(createExternalWalletHandler({ apiKey: 'wallet-key-0001', listWallets: () => ({ data: [], count: 0 }), getWallet: () => undefined }));
  servers.push(rates.server, wallets.server);
  const rate = await fetch(`${rates.url}/rate?from=USD&to=EUR`, { headers: { key: 'rates-key-0001' } });
  expect(await rate.json()).toEqual({ from: 'USD', to: 'EUR', rate: 1.25 });
  const wallet = await fetch(`${wallets.url}/wallets/getOne?external_user_id=u1&currency=USD`, { headers: { key: 'wallet-key-0001' } });
  expect(wallet.status).toBe(404);
});
