// npm run bench: what the SDK costs over the bare tools it is built on, measured in one process, each case
// next to its baseline: with an in-memory fetch (no network), over a loopback node:http server, and layer by
// layer. The SDK is measured as it ships (bundled; see lib/bench-build.ts). `--json` also writes
// .artifacts/bench.json.
import { createHmac } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import createClient, { type Client } from 'openapi-fetch';
import { Bench } from 'tinybench';
import type { paths } from '../generated/crm-rest';
import { listen } from '../src/testing/http-host';
import { startSandboxCrm } from '../src/testing/sandbox/server';
import { ROOT } from './lib/apis';
import { loadBenchSdk } from './lib/bench-build';
import { runtimeSizes } from './lib/runtime-size';

const sdkModule = loadBenchSdk();
const { createCrmClient, signPayload, memoryJournal, fileJournal } = sdkModule;

const KEY = 'bench-api-key-0001';
const page = JSON.stringify({ count: 1, records: [{ id: '3fA9kQ2z', name: 'Jane Doe', email: 'jane.doe@mail.test' }] });
const created = JSON.stringify({ id: 'Ld00a7Zq' });
const memoryFetch = async (request: Request) =>
  new Response(request.method === 'GET' ? page : created, { status: request.method === 'GET' ? 200 : 201, headers: { 'content-type': 'application/json' } });

const sdk = createCrmClient({ baseUrl: 'http://crm.bench', apiKey: KEY, fetch: memoryFetch });
const sdkUnvalidated = createCrmClient({ baseUrl: 'http://crm.bench', apiKey: KEY, fetch: memoryFetch, validateRequests: false });
const bare = createClient<paths>({ baseUrl: 'http://crm.bench', fetch: memoryFetch, headers: { key: KEY } });
const bareSigned = createClient<paths>({ baseUrl: 'http://crm.bench', fetch: memoryFetch, headers: { key: KEY } });
bareSigned.use({
  async onRequest({ request }) {
    const body = await request.clone().text();
    request.headers.set('signature', `sha256=${createHmac('sha256', KEY).update(body).digest('hex')}`);
    return request;
  },
});

// The intent journal's cost on a money call: the same deposit without a journal, with the memory store, and
// with the file store (an append and an fdatasync before the call, an append after; compaction included).
const journalFile = join(ROOT, '.artifacts', 'bench', 'journal.jsonl');
rmSync(journalFile, { force: true });
const sdkMemoryJournal = createCrmClient({ baseUrl: 'http://crm.bench', apiKey: KEY, fetch: memoryFetch, journal: memoryJournal() });
const sdkFileJournal = createCrmClient({ baseUrl: 'http://crm.bench', apiKey: KEY, fetch: memoryFetch, journal: fileJournal(journalFile) });
const deposit = { params: { path: { login: 200118 } }, body: { connection_id: 'Cn4Mt001', currency: 'USD', amount: '10.00', comment: 'bench-deposit' } };

const list = { params: { query: { skip: 0, limit: 50 } } } as const;
const lead = { body: { email: 'lee@mail.test', name: 'Lee' } };
const kb1 = 'x'.repeat(1024);
const kb64 = 'x'.repeat(64 * 1024);

/** [case, candidate, baseline]: the ratio is candidate ops/s over baseline ops/s (1.00 = as fast). */
const pairs: [string, () => unknown, string, () => unknown][] = [
  ['GET listClients via createCrmClient', () => sdk.GET('/public/v1/users', list), 'bare openapi-fetch GET', () => bare.GET('/public/v1/users', list)],
  ['signed POST createLead via createCrmClient', () => sdk.POST('/public/v1/leads', lead), 'bare openapi-fetch POST + createHmac', () => bareSigned.POST('/public/v1/leads', lead)],
  ['signPayload 1 kB', () => signPayload(kb1, KEY), 'node:crypto createHmac 1 kB', () => createHmac('sha256', KEY).update(kb1).digest('hex')],
  ['signPayload 64 kB', () => signPayload(kb64, KEY), 'node:crypto createHmac 64 kB', () => createHmac('sha256', KEY).update(kb64).digest('hex')],
  ['POST createLead, validation on', () => sdk.POST('/public/v1/leads', lead), 'POST createLead, validation off', () => sdkUnvalidated.POST('/public/v1/leads', lead)],
  ['deposit with memoryJournal', () => sdkMemoryJournal.POST('/public/v1/mt4/accounts/{login}/deposit', deposit), 'deposit without a journal', () => sdk.POST('/public/v1/mt4/accounts/{login}/deposit', deposit)],
  ['deposit with fileJournal (fdatasync)', () => sdkFileJournal.POST('/public/v1/mt4/accounts/{login}/deposit', deposit), 'deposit without a journal', () => sdk.POST('/public/v1/mt4/accounts/{login}/deposit', deposit)],
];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Ops/s of a case and its baseline: 3 rounds of the pair alone (order alternating), median of each. */
async function measurePair(run: () => unknown, baseRun: () => unknown): Promise<[number, number]> {
  const time = Number(process.env.BENCH_TIME_MS ?? 700);
  const cases: number[] = [];
  const bases: number[] = [];
  for (let round = 0; round < 3; round++) {
    const bench = new Bench({ time, warmup: true });
    if (round % 2 === 0) bench.add('case', run).add('base', baseRun);
    else bench.add('base', baseRun).add('case', run);
    await bench.run();
    const ops = (name: string) => {
      const result = bench.getTask(name)?.result;
      return result && 'throughput' in result ? result.throughput.mean : Number.NaN;
    };
    cases.push(ops('case'));
    bases.push(ops('base'));
  }
  return [median(cases), median(bases)];
}

/**
 * The sandbox over loopback: a simple read through its gate (key check, routing, validation, state) against a
 * bare node:http server answering the same bytes, both called with fetch (keep-alive) from this process.
 */
async function sandboxPair() {
  const started = performance.now();
  const sandbox = await startSandboxCrm({ apiKey: KEY });
  const startMs = performance.now() - started;
  const url = `${sandbox.url}/public/v1/mt4/accounts?connection_id=Cn4Mt001&skip=0&limit=10`;
  const bytes = await (await fetch(url, { headers: { key: KEY } })).text();
  const bareServer = await listen(createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(bytes)));
  const pair: [string, () => unknown, string, () => unknown] = [
    'sandbox GET listMt4Accounts over loopback (gate, validation, state)',
    async () => (await fetch(url, { headers: { key: KEY } })).text(),
    'bare node:http answering the same bytes',
    async () => (await fetch(bareServer.url, { headers: { key: KEY } })).text(),
  ];
  return { pair, startMs, stop: () => Promise.all([sandbox.stop(), bareServer.stop()]) };
}

/**
 * Clients against one local node:http server answering the list page (keep-alive, the global fetch): what the
 * SDK adds to a real HTTP call. Calls over loopback vary by ±10% from one moment to the next, so the clients
 * take turns: 80 rounds of 150 calls each, in alternating order, and each client's median time per call.
 * Next to them, bare openapi-fetch given only an abortable timeout (its own AbortController and timer): the
 * least any client with a real timeout can cost.
 */
async function loopbackRows() {
  const server = await listen(createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(page)));
  const timed = (fetch: (request: Request, init: RequestInit) => Promise<Response>) => async (request: Request) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 30_000);
    try {
      return await fetch(request, { signal: controller.signal });
    } finally {
      clearTimeout(timer);
    }
  };
  const clients: [string, { GET: Client<paths>['GET'] }][] = [
    ['bare openapi-fetch GET', createClient<paths>({ baseUrl: server.url, headers: { key: KEY } })],
    ['bare openapi-fetch GET + an abortable timeout', createClient<paths>({ baseUrl: server.url, headers: { key: KEY }, fetch: timed((request: Request, init: RequestInit) => globalThis.fetch(request, init)) })],
    ['GET listClients via createCrmClient', createCrmClient({ baseUrl: server.url, apiKey: KEY })],
  ];
  const rounds = Number(process.env.BENCH_LOOPBACK_ROUNDS ?? 80);
  const perRound = 150;
  const times: number[][] = clients.map(() => []);
  const round = async (index: number) => {
    const { GET } = clients[index]![1];
    const started = performance.now();
    for (let call = 0; call < perRound; call++) await GET('/public/v1/users', list);
    times[index]!.push((performance.now() - started) / perRound);
  };
  for (let index = 0; index < clients.length; index++) await round(index); // warm-up, not kept
  times.forEach((list) => (list.length = 0));
  for (let r = 0; r < rounds; r++) {
    const order = clients.map((_, index) => index);
    if (r % 2) order.reverse();
    for (const index of order) await round(index);
  }
  await server.stop();
  const medians = times.map(median);
  return clients.map(([name], index) => ({ client: name, microsecondsPerCall: Number((medians[index]! * 1000).toFixed(1)), ratio: Number((medians[0]! / medians[index]!).toFixed(3)) }));
}

/**
 * The GET of the first case built up one layer at a time, each row against the bare client: what each layer
 * of createCrmClient costs, in ops/s and in microseconds per call.
 */
async function layerRows() {
  const { createRetryingFetch, createOperationClient, createRequestSigner, requestValidators, requestSchemas, operations, CRM_REST_FORMATS } = sdkModule;
  const validators = requestValidators(requestSchemas, CRM_REST_FORMATS);
  const transport = (signed = false) => createRetryingFetch({ fetch: memoryFetch, timeoutMs: 30_000, maxRetries: 2, backoff: {}, logger: undefined, ...(signed ? { prepare: createRequestSigner(KEY) } : {}) });
  const layers: [string, { GET: Client<paths>['GET'] }][] = [
    ['+ transport (timeout, retry rules)', createClient<paths>({ baseUrl: 'http://crm.bench', fetch: transport(), headers: { key: KEY } })],
    ['+ operation context', createOperationClient<paths>({ baseUrl: 'http://crm.bench', fetch: transport(), headers: { key: KEY }, operations })],
    ['+ request validation', createOperationClient<paths>({ baseUrl: 'http://crm.bench', fetch: transport(), headers: { key: KEY }, operations, validators })],
    ['+ key and signature (all of createCrmClient)', createOperationClient<paths>({ baseUrl: 'http://crm.bench', fetch: transport(true), operations, validators, setHeaders: (headers) => headers.set('key', KEY) })],
  ];
  const rows = [];
  for (const [name, client] of layers) {
    const [ops, baseline] = await measurePair(() => client.GET('/public/v1/users', list), () => bare.GET('/public/v1/users', list));
    rows.push({ layer: name, opsPerSecond: Math.round(ops), ratio: Number((ops / baseline).toFixed(3)), addedMicroseconds: Number((1e6 / ops - 1e6 / baseline).toFixed(2)) });
  }
  return rows;
}

async function main(): Promise<void> {
  const sandbox = await sandboxPair();
  const rows = [];
  for (const [name, run, baseName, baseRun] of [...pairs, sandbox.pair]) {
    const [ops, baseline] = await measurePair(run, baseRun);
    rows.push({ case: name, opsPerSecond: Math.round(ops), baseline: baseName, baselineOpsPerSecond: Math.round(baseline), ratio: Number((ops / baseline).toFixed(3)) });
  }
  await sandbox.stop();
  const loopback = await loopbackRows();
  const layers = await layerRows();
  console.log(`sandbox start: ${sandbox.startMs.toFixed(0)} ms (no Prism)`);
  const sizes = await runtimeSizes();
  console.table(rows.map((r) => ({ case: r.case, 'ops/s': r.opsPerSecond, baseline: r.baseline, 'baseline ops/s': r.baselineOpsPerSecond, ratio: r.ratio.toFixed(2) })));
  console.log('over loopback HTTP (median µs per call; ratio = bare / this):');
  console.table(loopback.map((r) => ({ client: r.client, 'µs per call': r.microsecondsPerCall.toFixed(1), ratio: r.ratio.toFixed(2) })));
  console.log('createCrmClient layer by layer (in-memory fetch; each against bare openapi-fetch):');
  console.table(layers.map((r) => ({ layer: r.layer, 'ops/s': r.opsPerSecond, ratio: r.ratio.toFixed(2), 'µs added per call': r.addedMicroseconds.toFixed(2) })));
  for (const size of sizes) console.log(`${size.name}: ${size.minGzBytes} B min+gz`);
  if (process.argv.includes('--json')) {
    const dir = join(ROOT, '.artifacts');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'bench.json');
    writeFileSync(file, `${JSON.stringify({ node: process.version, rows, loopback, layers, sizes, sandboxStartMs: Math.round(sandbox.startMs) }, null, 2)}\n`);
    console.log(`written ${file}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
