// Live contract mode: the REST operations, called through the SDK, through Prism in proxy mode in front of a
// real CRM. Each answer is compared with the spec: a documented status, and a body that matches the schema
// documented for it. Read-only operations always; writes and money movements only when asked for.
import { createCrmClient } from '../../src/rest/client';
import { startPrism } from '../../src/testing/mock/prism';
import { loadApi, type ExampleInput } from './api-spec';
import type { Json } from './openapi-document';

export interface LiveOptions {
  baseUrl: string;
  apiKey: string;
  /** Also run operations that create or change something (needs `testUser`). */
  writes?: boolean;
  /** Also run the money-moving ones (needs `writes`). */
  money?: boolean;
  /** The CRM user every write acts on (replaces user ids in the examples). */
  testUser?: string;
  /** The spec to check against; defaults to the bundled REST spec. */
  document?: Json;
  /** The signature scheme the CRM checks (default 'v2'). */
  signatureVersion?: 'v1' | 'v2';
}

export type Verdict = 'pass' | 'schema_violation' | 'unexpected_status' | 'request_failed';

/** Whether the spec's shape of an operation is the vendor's, a guess, or a guess confirmed by an integration in use. */
export type Source = 'documented' | 'inferred' | 'confirmed';

export interface OperationResult {
  operationId: string;
  method: string;
  path: string;
  source: Source;
  /** An inferred path the CRM answered 404 or 405: the guess is wrong; correct the path in spec/. */
  pathGuessRefuted: boolean;
  verdict: Verdict;
  status?: number;
  documentedStatuses: number[];
  violations: { pointer: string; message: string; value: unknown }[];
  /** What Prism's proxy flagged (`sl-violations`), for reference. */
  prismViolations: string[];
  error?: string;
}

export interface DriftReport {
  target: string;
  ranAt: string;
  skipped: { operationId: string; reason: string }[];
  results: OperationResult[];
  summary: Record<Verdict, number>;
}

/** Which operations a run may call. */
export function selectOperations(operations: { id: string; operation: Json }[], { writes, money }: Pick<LiveOptions, 'writes' | 'money'>) {
  const run: string[] = [];
  const skipped: { operationId: string; reason: string }[] = [];
  for (const { id, operation } of operations) {
    const isMoney = operation['x-money-movement'] === true;
    const isWrite = operation['x-idempotent'] !== true;
    if (isMoney && !(writes && money)) skipped.push({ operationId: id, reason: 'moves money: set CRM_LIVE_WRITES=1 and CRM_LIVE_MONEY=1' });
    else if (isWrite && !writes) skipped.push({ operationId: id, reason: 'writes: set CRM_LIVE_WRITES=1 and CRM_LIVE_TEST_USER' });
    else run.push(id);
  }
  return { run, skipped };
}

/** The example input with every user id pointed at the test user. */
function forTestUser(input: ExampleInput, testUser: string | undefined): ExampleInput {
  if (!testUser) return input;
  const swap = (value: unknown): unknown =>
    value !== null && typeof value === 'object'
      ? Array.isArray(value)
        ? value.map(swap)
        : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'user_id' || (k === 'id' && typeof v === 'string' && /^[0-9A-Za-z]{8}$/.test(v)) ? testUser : swap(v)]))
      : value;
  return { params: swap(input.params) as ExampleInput['params'], body: swap(input.body) };
}

export async function runLiveContract(options: LiveOptions): Promise<DriftReport> {
  const spec = loadApi('crm-rest', options.document);
  const { run, skipped } = selectOperations(spec.operations, options);
  // A copy: Prism dereferences the document it is given in place (into cycles), and ajv reads ours.
  const proxy = await startPrism({ document: structuredClone(spec.bundle), upstream: new URL(options.baseUrl) });
  const results: OperationResult[] = [];
  try {
    // Operations run one at a time, so the last answer's `sl-violations` belongs to the call just made.
    let lastViolations: string[] = [];
    const client = createCrmClient({
      baseUrl: proxy.url,
      apiKey: options.apiKey,
      signatureVersion: options.signatureVersion ?? 'v2',
      maxRetries: 0,
      fetch: async (request) => {
        const response = await fetch(request);
        const flagged = response.headers.get('sl-violations');
        lastViolations = flagged ? [flagged] : [];
        return response;
      },
    });
    const call = client.request as unknown as (method: string, path: string, init: object) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
    for (const id of run) {
      const op = spec.operationById(id);
      const documentedStatuses = Object.keys(op.operation.responses ?? {}).map(Number);
      const source: Source = op.operation['x-inferred'] !== true ? 'documented' : op.operation['x-confirmed-in-use'] ? 'confirmed' : 'inferred';
      const base = { operationId: id, method: op.method, path: op.path, source, pathGuessRefuted: false, documentedStatuses, violations: [], prismViolations: [] };
      lastViolations = [];
      const input = forTestUser(spec.exampleInput(id), options.testUser);
      try {
        const { data, error, response } = await call(op.method.toLowerCase(), op.path, { params: input.params, ...(input.body === undefined ? {} : { body: input.body }) });
        const status = response.status;
        const flagged = lastViolations;
        if (!documentedStatuses.includes(status)) {
          const pathGuessRefuted = source !== 'documented' && (status === 404 || status === 405);
          results.push({ ...base, verdict: 'unexpected_status', status, pathGuessRefuted, prismViolations: flagged });
          continue;
        }
        const violations = spec.responseViolations(id, status, response.ok ? data : error);
        results.push({ ...base, verdict: violations.length ? 'schema_violation' : 'pass', status, violations, prismViolations: flagged });
      } catch (failure) {
        results.push({ ...base, verdict: 'request_failed', error: failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure) });
      }
    }
  } finally {
    await proxy.close();
  }
  const summary: Record<Verdict, number> = { pass: 0, schema_violation: 0, unexpected_status: 0, request_failed: 0 };
  for (const result of results) summary[result.verdict] += 1;
  return { target: new URL(options.baseUrl).origin, ranAt: new Date().toISOString(), skipped, results, summary };
}
