// "Works as-is in Bun, Deno or a worker", proved in a runtime that is not Node: the root entry bundled by
// esbuild for the browser (no Node built-ins may be needed), loaded into a Web Worker in headless Chromium,
// verifies a signed webhook, computes a PSP `sign` and answers a request through createWebhookHandler.
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, SKIP_BROWSER } from './harness/chromium';
import { serveStatic } from '../scripts/lib/static-server';
import { referenceSha1Signature } from './harness/reference-signature';
import { loadApi } from './harness/spec';

const skipBrowser = SKIP_BROWSER;
const ROOT = join(__dirname, '..');
const SECRET = 'worker-webhook-secret-1';
const TOKEN = 'worker-pay-token-1';

const WORKER = `
import { verifyWebhook, pspSign, createWebhookHandler } from ${JSON.stringify(join(ROOT, 'src', 'index.ts'))};
self.onmessage = async ({ data }) => {
  const out = { runtime: typeof process === 'undefined' ? 'not node' : 'node' };
  try {
    const event = await verifyWebhook({ rawBody: data.raw, signature: data.signature, secret: data.secret });
    out.verified = event.source.event;
    out.tamperedRefused = await verifyWebhook({ rawBody: data.raw + ' ', signature: data.signature, secret: data.secret }).then(() => false, () => true);
    out.sign = await pspSign(data.params, data.token);
    const handled = [];
    const handler = createWebhookHandler({ secret: data.secret, on: { [event.source.event]: (e) => void handled.push(e.data.client_id) } });
    const answer = await handler(new Request('https://tenant.test/crm', { method: 'POST', headers: { 'content-type': 'application/json', 'x-crm-signature': data.signature }, body: data.raw }));
    const again = await handler(new Request('https://tenant.test/crm', { method: 'POST', headers: { 'content-type': 'application/json', 'x-crm-signature': data.signature }, body: data.raw }));
    out.status = answer.status;
    out.duplicateStatus = again.status;
    out.handled = handled;
  } catch (error) {
    out.error = String(error && error.stack || error);
  }
  self.postMessage(out);
};
`;

(skipBrowser ? describe.skip : describe)('the root entry in a Web Worker (headless Chromium)', () => {
  let dir: string;
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let bundleBytes = 0;

  beforeAll(async () => {
    if (!CHROMIUM) throw new Error('Chromium is not installed: `apt-get install -y chromium` (or run `bash .ci/run`, which does it)');
    dir = mkdtempSync(join(tmpdir(), 'crm-worker-'));
    // platform 'browser' fails the build on any import of a Node built-in: that failure is the check.
    const result = await build({ stdin: { contents: WORKER, resolveDir: ROOT, loader: 'js' }, bundle: true, platform: 'browser', format: 'esm', minify: true, write: false, logLevel: 'silent' });
    bundleBytes = result.outputFiles[0]!.contents.length;
    writeFileSync(join(dir, 'worker.js'), result.outputFiles[0]!.contents);
    writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>worker</title>');
    server = await serveStatic(dir);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('verifies a signed webhook, computes a PSP sign and answers through createWebhookHandler, in a worker', async () => {
    const event = loadApi('crm-webhooks').exampleInput('receiveUserCreated').body;
    const raw = JSON.stringify(event);
    const signature = 'sha256=' + createHmac('sha256', SECRET).update(raw).digest('hex');
    const params = { merchant_id: 'm-1', order_no: 'o-ü-中', amount: 162.48, currency: 'USD', note: '' };
    const page = await browser.newPage();
    const offLoopback: string[] = [];
    await page.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : (offLoopback.push(route.request().url()), route.abort())));
    await page.goto(`${server.url}/index.html`);
    const out = await page.evaluate(
      (data) =>
        new Promise<Record<string, unknown>>((resolve) => {
          // The page's Worker (this project type-checks without the DOM library).
          type PageWorker = { onmessage: (m: { data: Record<string, unknown> }) => void; onerror: (e: { message: string }) => void; postMessage(d: unknown): void };
          const Worker = (globalThis as unknown as { Worker: new (url: string, options: object) => PageWorker }).Worker;
          const worker = new Worker('worker.js', { type: 'module' });
          worker.onmessage = (message) => resolve(message.data);
          worker.onerror = (error) => resolve({ error: error.message });
          worker.postMessage(data);
        }),
      { raw, signature, secret: SECRET, params, token: TOKEN },
    );
    process.stdout.write(`worker bundle of verifyWebhook + pspSign + createWebhookHandler: ${bundleBytes} bytes minified\n`);
    expect(out).toEqual({
      runtime: 'not node',
      verified: 'crm.webhooks.users.create',
      tamperedRefused: true,
      sign: referenceSha1Signature(params, TOKEN),
      status: 204,
      duplicateStatus: 204,
      handled: ['77889900'],
    });
    expect(offLoopback).toEqual([]);
    await page.close();
  }, 60_000);
});
