// The most common way webhook signatures break: a global express.json() parses the body before the receiver
// sees its bytes. Mounted first (or after express.raw), the receiver gets the exact bytes; mounted after a
// JSON parser, it refuses with a reason that says how to mount it, instead of a misleading 401.
import { createHmac } from 'node:crypto';
import express from 'express';
import { toNodeHandler } from '../../src/receivers/node-handler';
import { listen } from '../../src/testing/http-host';
import { createWebhookHandler, type CrmWebhookEvent } from '../../src/receivers/webhooks';
import { registerSecret } from '../harness/output-scan';
import { loadApi } from '../harness/spec';

const SECRET = 'express-webhook-secret-3';
registerSecret(SECRET);
const event = loadApi('crm-webhooks').exampleInput('receiveUserCreated').body as CrmWebhookEvent;
// Non-ASCII and the spacing of a real delivery: a re-serialised body would not match the signature.
const raw = JSON.stringify(event, null, 1);
const signature = createHmac('sha256', SECRET).update(raw).digest('hex');

async function serve(app: express.Express) {
  return listen(require('node:http').createServer(app));
}
const post = (url: string) => fetch(`${url}/crm/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-crm-signature': signature }, body: raw });

it('works in an app with a global express.json(), the webhook route mounted first', async () => {
  const received: string[] = [];
  const webhooks = createWebhookHandler({ secret: SECRET, on: { 'crm.webhooks.users.create': (e) => void received.push(String(e.data.client_id)) } });
  const app = express();
  app.post('/crm/webhooks', toNodeHandler(webhooks)); // before the JSON parser: the raw bytes are intact
  app.use(express.json());
  app.post('/api/echo', (req, res) => void res.json(req.body));
  const server = await serve(app);
  try {
    expect((await post(server.url)).status).toBe(204);
    expect(received).toEqual(['77889900']);
    const echo = await fetch(`${server.url}/api/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"still":"parsed"}' });
    expect(await echo.json()).toEqual({ still: 'parsed' }); // the rest of the app keeps its parser
  } finally {
    await server.stop();
  }
});

it('works after express.raw({ type: "application/json" }) on the route, whatever comes later', async () => {
  const webhooks = createWebhookHandler({ secret: SECRET, on: {} });
  const app = express();
  app.post('/crm/webhooks', express.raw({ type: 'application/json', limit: '1mb' }), toNodeHandler(webhooks));
  app.use(express.json());
  const server = await serve(app);
  try {
    expect((await post(server.url)).status).toBe(204);
  } finally {
    await server.stop();
  }
});

it('mounted after express.json(), it refuses with 500 body_already_parsed and says how to mount it', async () => {
  const errors: string[] = [];
  const webhooks = createWebhookHandler({ secret: SECRET, on: {} });
  const app = express();
  app.use(express.json());
  app.post('/crm/webhooks', toNodeHandler(webhooks, { onError: (error) => void errors.push((error as Error).message) }));
  const server = await serve(app);
  try {
    const answer = await post(server.url);
    expect(answer.status).toBe(500);
    expect(await answer.json()).toEqual({ type: 'body_already_parsed', message: expect.stringMatching(/register this route before app\.use\(express\.json\(\)\)/) });
    expect(errors).toEqual([expect.stringMatching(/raw bytes needed for the signature are gone/)]);
  } finally {
    await server.stop();
  }
});

// Issue 29: a global express.json() and then express.raw() on the route: the bytes are gone by then. The answer
// names the one fix that works (not the attempt just made), and the receiver's own onError hears of it.
it('a global express.json() then a route-level express.raw(): the message names the fix, and the receiver\'s onError is told', async () => {
  const reports: { message: string; receiver: string; step: string }[] = [];
  const webhooks = createWebhookHandler({ secret: SECRET, on: {}, onError: (error, { receiver, step }) => void reports.push({ message: (error as Error).message, receiver, step }) });
  const app = express();
  app.use(express.json());
  app.post('/crm/webhooks', express.raw({ type: 'application/json' }), toNodeHandler(webhooks));
  const server = await serve(app);
  try {
    const answer = await post(server.url);
    expect(answer.status).toBe(500);
    const { type, message } = (await answer.json()) as { type: string; message: string };
    expect(type).toBe('body_already_parsed');
    expect(message).toMatch(/register this route before app\.use\(express\.json\(\)\)/);
    expect(message).not.toMatch(/or after express\.raw/);
    expect(reports).toEqual([{ message: expect.stringMatching(/register this route before/), receiver: 'webhooks', step: 'body-already-parsed' }]);
  } finally {
    await server.stop();
  }
});
