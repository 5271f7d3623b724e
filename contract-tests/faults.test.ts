// What the client does when the network or the CRM fails, against a loopback server that fails on purpose.
// Money-moving and creating operations: exactly one request reaches the server under every fault, and the
// caller gets CrmAmbiguousOutcomeError with the handle to reconcile. Idempotent GETs: retried as configured.
import { operations as operationTable } from '../generated/crm-rest.operations';
import type { CrmClient, CrmClientOptions } from '../src/rest/client';
import { CrmAmbiguousOutcomeError, CrmConnectionError, CrmTimeoutError } from '../src/core/errors';
import type { CrmLogDetails } from '../src/core/logger';
import { refusedUrl, startFaultServer, type Fault, type FaultServer } from './harness/fault-server';
import { API_KEY } from './harness/mock-crm';
import { observedClient, recordingLogger } from './harness/output-scan';
import { exampleInput } from './harness/spec';

const unsafe = Object.values(operationTable).filter((op) => !op.idempotent);
const FAULTS: Fault[] = ['reset', 'stall', '429', '503-then-200'];
const TIMEOUT_MS = 150;
const FAST_BACKOFF = { initialMs: 2, maxMs: 8 };

interface Observed {
  client: CrmClient;
  retries: CrmLogDetails[];
}

function clientFor(baseUrl: string, options: Partial<CrmClientOptions> = {}): Observed {
  const retries: CrmLogDetails[] = [];
  const logger = recordingLogger((level, message, details) => {
    if (message === 'crm retry') retries.push(details);
  });
  const client = observedClient({ baseUrl, apiKey: API_KEY, timeoutMs: TIMEOUT_MS, maxRetries: 2, backoff: FAST_BACKOFF, logger, ...options });
  return { client, retries };
}

const call = (client: CrmClient, op: { method: string; path: string; id: string }) => {
  const { params, body } = exampleInput(op.id);
  const request = client.request as unknown as (method: string, path: string, init: object) => Promise<unknown>;
  return request(op.method.toLowerCase(), op.path, { params, ...(body === undefined ? {} : { body }) });
};

let servers: FaultServer[] = [];
const serve = async (fault: Fault, extra: { retryAfter?: string; okBody?: unknown } = {}) => {
  const server = await startFaultServer({ fault, ...extra });
  servers.push(server);
  return server;
};
afterEach(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
});

const tally = { cases: 0, duplicated: 0 };
afterAll(() => {
  // Printed for the closing note; the per-case assertions are what fail.
  process.stdout.write(`fault cases: ${tally.cases}, duplicated requests: ${tally.duplicated}\n`);
});

describe('operations that move money or create something are never re-sent', () => {
  it('derives the set from the spec (x-idempotent: false)', () => {
    expect(unsafe.map((op) => op.id)).toEqual(expect.arrayContaining(['depositToMt4Account', 'withdrawFromMt4Account', 'updateWalletBalance', 'approveWithdrawalRequest', 'rejectWithdrawalRequest', 'createClient', 'createLead', 'createMt4Account', 'validateClientCredentials', 'submitClientKyc']));
  });

  describe.each(unsafe.map((op) => [op.id, op] as const))('%s', (_id, op) => {
    it.each(FAULTS)('under %s: one request reached the server, CrmAmbiguousOutcomeError with the reconcile handle', async (fault) => {
      const server = await serve(fault, { okBody: {} });
      const { client, retries } = clientFor(server.url);
      const error = await call(client, op).then(
        () => undefined,
        (e: unknown) => e,
      );
      tally.cases += 1;
      tally.duplicated += Math.max(0, server.received.length - 1);
      // Every other fault is the server's answer to the request, so it got there; a stall is the client's own
      // timeout, which on a loaded machine may fire before the request was even written: at most one, never two.
      if (fault === 'stall') expect(server.received.length).toBeLessThanOrEqual(1);
      else expect(server.received).toHaveLength(1);
      expect(retries).toEqual([]);
      expect(error).toBeInstanceOf(CrmAmbiguousOutcomeError);
      const ambiguous = error as CrmAmbiguousOutcomeError;
      expect(ambiguous.operationId).toBe(op.id);
      expect(ambiguous.status).toBe({ reset: undefined, stall: undefined, '429': 429, '503-then-200': 503 }[fault]);
      if (op.reconcileBy && server.received[0]) {
        const sent = JSON.parse(server.received[0].body.toString('utf8')) as Record<string, unknown>;
        expect(ambiguous.reconcile).toEqual({ field: op.reconcileBy, value: sent[op.reconcileBy] });
        expect(ambiguous.message).toContain(`Reconcile by \`${op.reconcileBy}\``);
      }
    });

    it('when the connection is refused (nothing sent): retried, then CrmConnectionError saying it was not sent', async () => {
      const { client, retries } = clientFor(await refusedUrl());
      const error = await call(client, op).then(
        () => undefined,
        (e: unknown) => e,
      );
      tally.cases += 1;
      expect(error).toBeInstanceOf(CrmConnectionError);
      expect((error as CrmConnectionError).notSent).toBe(true);
      expect((error as CrmConnectionError).message).toMatch(/the request was not sent \(ECONNREFUSED\) after 3 attempt/);
      expect(retries.map((r) => r.reason)).toEqual(['ECONNREFUSED', 'ECONNREFUSED']);
    });
  });

  it('a caller abort after sending is an ambiguous outcome too, and is not re-sent', async () => {
    const server = await serve('stall');
    const { client } = clientFor(server.url, { timeoutMs: 60_000 });
    const controller = new AbortController();
    const { params, body } = exampleInput('depositToMt4Account');
    const pending = client.POST('/public/v1/mt4/accounts/{login}/deposit', { params: params as never, body: body as never, signal: controller.signal });
    while (server.received.length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CrmAmbiguousOutcomeError);
    expect(server.received).toHaveLength(1);
  });
});

describe('idempotent GETs are retried as configured', () => {
  const list = { params: { query: { skip: 0, limit: 10 } } };
  const page = { count: 0, records: [] };

  it('a reset connection: 1 + maxRetries attempts, then CrmConnectionError', async () => {
    const server = await serve('reset');
    const { client, retries } = clientFor(server.url, { maxRetries: 3 });
    const error = await client.GET('/public/v1/users', list).catch((e: unknown) => e);
    tally.cases += 1;
    expect(error).toBeInstanceOf(CrmConnectionError);
    expect((error as CrmConnectionError).notSent).toBe(false);
    expect(server.received).toHaveLength(4);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2, 3]);
  });

  it('a stall: 1 + maxRetries attempts of timeoutMs each, then CrmTimeoutError', async () => {
    const server = await serve('stall');
    const { client } = clientFor(server.url, { maxRetries: 1 });
    const error = await client.GET('/public/v1/users', list).catch((e: unknown) => e);
    tally.cases += 1;
    expect(error).toBeInstanceOf(CrmTimeoutError);
    expect((error as CrmTimeoutError).timeoutMs).toBe(TIMEOUT_MS);
    expect(server.received).toHaveLength(2);
  });

  it('503 then 200: one retry, and the 200 is the result', async () => {
    const server = await serve('503-then-200', { okBody: page });
    const { client, retries } = clientFor(server.url);
    const { data, response } = await client.GET('/public/v1/users', list);
    tally.cases += 1;
    expect(response.status).toBe(200);
    expect(data).toEqual(page);
    expect(server.received).toHaveLength(2);
    expect(retries).toEqual([expect.objectContaining({ reason: 'HTTP 503', attempt: 1 })]);
  });

  it('429 every time: retried maxRetries times, then the 429 comes back as the result', async () => {
    const server = await serve('429', { retryAfter: '0' });
    const { client, retries } = clientFor(server.url);
    const { error, response } = await client.GET('/public/v1/users', list);
    tally.cases += 1;
    expect(response.status).toBe(429);
    expect(error).toEqual({ type: 'too_many_requests' });
    expect(server.received).toHaveLength(3);
    expect(retries.map((r) => r.delayMs)).toEqual([0, 0]);
  });

  it('honours Retry-After (seconds) over the computed back-off', async () => {
    const server = await serve('429', { retryAfter: '1' });
    const { client, retries } = clientFor(server.url, { maxRetries: 1 });
    await client.GET('/public/v1/users', list);
    tally.cases += 1;
    expect(retries.map((r) => r.delayMs)).toEqual([1000]);
  });

  it('back-off grows exponentially with jitter, capped at maxMs', async () => {
    const server = await serve('reset');
    const { client, retries } = clientFor(server.url, { maxRetries: 4, backoff: { initialMs: 4, maxMs: 16 } });
    await client.GET('/public/v1/users', list).catch(() => undefined);
    tally.cases += 1;
    const ceilings = [4, 8, 16, 16];
    expect(retries).toHaveLength(4);
    retries.forEach((retry, i) => {
      expect(retry.delayMs).toBeGreaterThanOrEqual(Math.floor(ceilings[i]! * 0.75));
      expect(retry.delayMs).toBeLessThanOrEqual(ceilings[i]!);
    });
  });

  it('refused: retried, then CrmConnectionError with notSent', async () => {
    const { client, retries } = clientFor(await refusedUrl(), { maxRetries: 1 });
    const error = await client.GET('/public/v1/users', list).catch((e: unknown) => e);
    tally.cases += 1;
    expect(error).toBeInstanceOf(CrmConnectionError);
    expect((error as CrmConnectionError).notSent).toBe(true);
    expect(retries).toHaveLength(1);
  });

  it('maxRetries: 0 sends once', async () => {
    const server = await serve('503-then-200', { okBody: page });
    const { client } = clientFor(server.url, { maxRetries: 0 });
    const { response } = await client.GET('/public/v1/users', list);
    tally.cases += 1;
    expect(response.status).toBe(503);
    expect(server.received).toHaveLength(1);
  });

  it("honours the caller's signal: an abort stops the call and is not retried", async () => {
    const server = await serve('stall');
    const { client } = clientFor(server.url, { timeoutMs: 60_000 });
    const controller = new AbortController();
    const pending = client.GET('/public/v1/users', { ...list, signal: controller.signal });
    while (server.received.length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error('caller gave up'));
    await expect(pending).rejects.toThrow('caller gave up');
    expect(server.received).toHaveLength(1);
  });
});
