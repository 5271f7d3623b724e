// "Use it as-is in Deno or a worker", proved in those runtimes themselves: the root entry, bundled by esbuild for
// the browser platform (so no Node built-in can be needed), runs under Deno (the `deno` npm package's binary) and
// under Cloudflare's workerd (through `miniflare`, which drives the `workerd` package's binary). Both listen on
// 127.0.0.1 only; Deno is given network access to loopback and nothing else.
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { startSandboxCrm, type SandboxCrm } from '../src/testing/sandbox/server';
import { loadApi } from './harness/spec';

const ROOT = join(__dirname, '..');
const ENTRY = JSON.stringify(join(ROOT, 'src', 'index.ts'));
const API_KEY = 'runtime-api-key-1';
const SECRET = 'runtime-webhook-secret-1';
const signed = (raw: string) => `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;
const webhookExample = () => ({ raw: JSON.stringify(loadApi('crm-webhooks').exampleInput('receiveUserCreated').body) });

/** The root entry and `code` as one browser-platform ESM bundle: a Node built-in anywhere fails the build. */
async function bundle(code: string): Promise<string> {
  const result = await build({ stdin: { contents: code, resolveDir: ROOT, loader: 'ts' }, bundle: true, platform: 'browser', format: 'esm', minify: true, write: false, logLevel: 'silent' });
  return result.outputFiles[0]!.text;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'crm-runtimes-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the root entry under Deno', () => {
  let sandbox: SandboxCrm;
  beforeAll(async () => {
    sandbox = await startSandboxCrm({ apiKey: API_KEY });
  });
  afterAll(() => sandbox.stop());

  const SCRIPT = `
import { createCrmClient, createWebhookHandler } from ${ENTRY};
const [crmUrl, secret, raw, signature] = Deno.args;
const out = { runtime: typeof Deno.version?.deno === 'string' ? 'deno' : 'unknown' };
const crm = createCrmClient({ baseUrl: crmUrl, apiKey: ${JSON.stringify(API_KEY)} });
const lead = await crm.POST('/public/v1/leads', { body: { email: 'deno@mail.test', name: 'Deno' } });
out.lead = { status: lead.response.status, id: lead.data?.id };
const handled = [];
const handler = createWebhookHandler({ secret, on: { 'crm.webhooks.users.create': (event) => void handled.push(event.data.client_id) } });
const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, handler);
const url = 'http://127.0.0.1:' + server.addr.port + '/crm';
const post = (body, sig) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-crm-signature': sig }, body }).then(async (r) => ({ status: r.status, body: await r.text() }));
out.webhook = await post(raw, signature);
out.tampered = await post(raw.replace('}', ' }'), signature);
out.handled = handled;
await server.shutdown();
console.log(JSON.stringify(out));
`;

  it('makes a signed call the sandbox accepts, and serves createWebhookHandler with Deno.serve', async () => {
    const file = join(dir, 'deno-check.mjs');
    writeFileSync(file, await bundle(SCRIPT));
    const { raw } = webhookExample();
    const deno = require.resolve('@deno/linux-x64-glibc/deno');
    const env = { PATH: process.env.PATH ?? '', HOME: dir, DENO_DIR: join(dir, 'deno-cache'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(deno, ['run', '--quiet', '--no-prompt', '--allow-net=127.0.0.1', file, sandbox.url, SECRET, raw, signed(raw)], { env, timeout: 30_000 }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out))),
    );
    const out = JSON.parse(stdout.trim().split('\n').pop()!);
    const sent = sandbox.requests.filter((r) => r.path === '/public/v1/leads');
    expect(out).toMatchObject({ runtime: 'deno', lead: { status: 201, id: expect.any(String) }, webhook: { status: 204 }, tampered: { status: 401 }, handled: [expect.any(String)] });
    // What the sandbox received: the key, and a V2 signature over the exact bytes it got.
    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request!.headers.key).toBe(API_KEY);
    expect(request!.headers.signature).toBe(`sha256=${createHmac('sha256', API_KEY).update(request!.body).digest('hex')}`);
    expect(sandbox.state().leads.map((l: { email: string }) => l.email)).toContain('deno@mail.test');
  }, 60_000);
});

describe('the root entry in a Cloudflare Worker (workerd, through miniflare)', () => {
  it('answers a signed webhook and refuses a tampered one', async () => {
    const worker = await bundle(`
import { createWebhookHandler } from ${ENTRY};
let handler;
export default {
  fetch(request, env) {
    handler ??= createWebhookHandler({ secret: env.CRM_WEBHOOK_SECRET, on: { 'crm.webhooks.users.create': () => {} } });
    return handler(request);
  },
};
`);
    process.stdout.write(`worker bundle with createWebhookHandler (root entry, minified): ${Buffer.byteLength(worker)} bytes\n`);
    const { Miniflare } = await import('miniflare');
    const mf = new Miniflare({ modules: true, script: worker, compatibilityDate: '2025-01-01', bindings: { CRM_WEBHOOK_SECRET: SECRET }, host: '127.0.0.1' });
    try {
      const { raw } = webhookExample();
      const post = async (body: string, signature: string) => {
        const response = await mf.dispatchFetch('http://127.0.0.1/crm', { method: 'POST', headers: { 'content-type': 'application/json', 'x-crm-signature': signature }, body });
        const text = await response.text();
        return { status: response.status, ...(text ? { type: (JSON.parse(text) as { type?: string }).type } : {}) };
      };
      expect(await post(raw, signed(raw))).toEqual({ status: 204 });
      expect(await post(raw.replace('}', ' }'), signed(raw))).toEqual({ status: 401, type: expect.any(String) });
      expect(await post(raw, 'sha256=' + '0'.repeat(64))).toEqual({ status: 401, type: expect.any(String) });
    } finally {
      await mf.dispose();
    }
  }, 60_000);
});
