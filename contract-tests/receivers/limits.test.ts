// Every receiver is bounded: a body of 1 MiB + 1 byte is refused with 413 while it is read (the rest is never
// read, so memory stays bounded however large the body), another content type with 415, in the receiver's own
// documented error shape; mounted in node:http, the same holds on the wire.
import { createServer } from 'node:http';
import { request as httpRequest } from 'node:http';
import { createExchangeRateHandler } from '../../src/receivers/exchange-rates';
import { createExternalWalletHandler } from '../../src/receivers/external-wallets';
import { toNodeHandler } from '../../src/receivers/node-handler';
import { createPaymentUrlHandler } from '../../src/receivers/psp/payment-url-handler';
import { listen } from '../../src/testing/http-host';
import { createWebhookHandler } from '../../src/receivers/webhooks';
import { loadApi } from '../harness/spec';

const MIB = 1024 * 1024;
const ran: string[] = [];
const receivers = {
  webhooks: { handler: createWebhookHandler({ secret: 'limits-secret-1', on: { 'crm.webhooks.users.create': () => void ran.push('webhook') } }), path: '/crm', api: 'crm-webhooks', op: 'receiveUserCreated' },
  'payment url': { handler: createPaymentUrlHandler({ crmPayToken: 'limits-token-1', getPaymentUrl: () => (ran.push('pay'), 'https://pay.test/x') }), path: '/pay/url', api: 'psp', op: 'getPaymentUrl' },
  'wallet list': { handler: walletHandler(), path: '/wallets', api: 'external-wallets', op: 'listExternalWallets' },
  'wallet credit': { handler: walletHandler(), path: '/wallets/credit', api: 'external-wallets', op: 'creditExternalWallet' },
  'wallet debit': { handler: walletHandler(), path: '/wallets/debit', api: 'external-wallets', op: 'debitExternalWallet' },
};
function walletHandler() {
  return createExternalWalletHandler({
    apiKey: 'limits-wallet-key',
    listWallets: () => (ran.push('list'), { data: [], count: 0 }),
    getWallet: () => undefined,
    credit: () => (ran.push('credit'), 'wallet_not_found'),
    debit: () => (ran.push('debit'), 'wallet_not_found'),
  });
}

/** A body of `total` bytes made on demand, counting how much of it the receiver pulled. */
function countedBody(total: number) {
  let produced = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (produced >= total) return controller.close();
      const size = Math.min(chunk.byteLength, total - produced);
      produced += size;
      controller.enqueue(chunk.subarray(0, size));
    },
  });
  return { stream, produced: () => produced };
}

describe.each(Object.entries(receivers))('%s', (_name, { handler, path, api, op }) => {
  const spec = loadApi(api);
  const headers = { 'content-type': 'application/json', key: 'limits-wallet-key', 'crm-pay-token': 'limits-token-1' };

  it('refuses 1 MiB + 1 byte with 413 while reading, without reading the rest of a 64 MiB body', async () => {
    for (const total of [MIB + 1, 64 * MIB]) {
      const body = countedBody(total);
      const response = await handler(new Request(`https://tenant.test${path}`, { method: 'POST', headers, body: body.stream, duplex: 'half' } as RequestInit));
      expect(response.status).toBe(413);
      expect(spec.responseSchemaErrors(op, 413, await response.json())).toEqual([]);
      expect(body.produced()).toBeLessThanOrEqual(MIB + 3 * 64 * 1024);
    }
  });

  it('refuses a declared Content-Length over the limit before reading anything', async () => {
    const body = countedBody(2 * MIB);
    const response = await handler(new Request(`https://tenant.test${path}`, { method: 'POST', headers: { ...headers, 'content-length': String(2 * MIB) }, body: body.stream, duplex: 'half' } as RequestInit));
    expect(response.status).toBe(413);
    expect(body.produced()).toBeLessThanOrEqual(64 * 1024 * 2);
  });

  it('refuses another content type with 415, in the documented shape', async () => {
    const response = await handler(new Request(`https://tenant.test${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' }));
    expect(response.status).toBe(415);
    expect(spec.responseSchemaErrors(op, 415, await response.json())).toEqual([]);
  });
});

it('no tenant code ran for any refused body', () => {
  expect(ran).toEqual([]);
});

it('a maxBodyBytes option moves the limit', async () => {
  const handler = createWebhookHandler({ secret: 'limits-secret-1', on: {}, maxBodyBytes: 10 });
  const response = await handler(new Request('https://tenant.test/crm', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"source":{}}' }));
  expect(await response.json()).toEqual({ type: 'payload_too_large', message: 'body must be at most 10 bytes' });
});

describe('mounted in node:http with toNodeHandler', () => {
  /** Streams `total` bytes to the server and reads the status; a server that stops reading may close the socket. */
  function post(url: string, total: number, method = 'POST'): Promise<number> {
    return new Promise((resolve, reject) => {
      // POSTs stream chunked (the size is learnt while reading); a GET declares its length (Node refuses a chunked GET).
      const headers = { 'content-type': 'application/json', key: url.includes('/rate') ? 'limits-rates-key' : 'limits-wallet-key', 'crm-pay-token': 'limits-token-1', ...(method === 'GET' ? { 'content-length': String(total) } : {}) };
      const request = httpRequest(url, { method, headers }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const write = () => {
        while (sent < total) {
          const size = Math.min(chunk.byteLength, total - sent);
          sent += size;
          if (!request.write(chunk.subarray(0, size))) return void request.once('drain', write);
        }
        request.end();
      };
      write();
    });
  }

  it('413 on every receiver for 1 MiB + 1 byte, the GET-only rate API included', async () => {
    const rates = createExchangeRateHandler({ apiKey: 'limits-rates-key', getRate: () => 1 });
    const servers = await Promise.all(
      [...Object.values(receivers).map((r) => ({ handler: r.handler, path: r.path, method: 'POST' })), { handler: rates, path: '/rate?from=USD&to=EUR', method: 'GET' }].map(async (r) => ({
        ...r,
        server: await listen(createServer(toNodeHandler(r.handler))),
      })),
    );
    try {
      for (const { server, path, method } of servers) expect({ path, status: await post(`${server.url}${path}`, MIB + 1, method) }).toEqual({ path, status: 413 });
      const fine = servers.at(-1)!;
      expect(await post(`${fine.server.url}${fine.path}`, 0, 'GET')).toBe(200);
    } finally {
      await Promise.all(servers.map((s) => s.server.stop()));
    }
  });
});
