// Live contract mode, pointed at a local "real CRM": the mock CRM serving a deliberately altered copy of the
// spec. The drift report must name every injected drift, and nothing else.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLiveContract, selectOperations, type DriftReport } from '../scripts/lib/live-contract';
import { driftReportHtml } from '../scripts/lib/drift-report';
import { startMockCrm, type MockCrm } from '../src/testing';
import { bundledSpecPath } from '../src/testing/package-root';
import { registerSecret } from './harness/output-scan';
import { bundle, operations } from './harness/spec';

const KEY = 'live-mode-test-key';
registerSecret(KEY);

/** Five kinds of drift, each in its own operation. */
function alteredSpec(): Record<string, any> {
  const spec = structuredClone(bundle);
  const ok = (path: string) => spec.paths[path].get.responses['200'].content['application/json'];
  // 1. missing field: listClients answers without `count`.
  delete ok('/public/v1/users').example.count;
  // 2. wrong type: getCountries answers a number for `code`.
  ok('/public/v1/configurations/countries').example[0].code = 44;
  // 3. extra enum value: getClient answers a user type the spec does not list.
  ok('/public/v1/users/{id}').example.type = 'partner';
  // 4. wrong status: getStates answers 203.
  const states = spec.paths['/public/v1/configurations/states'].get.responses;
  states['203'] = states['200'];
  delete states['200'];
  // 5. missing error type: getClientKycDetails answers a 400 whose `type` is not documented.
  const kyc = spec.paths['/public/v1/users/{id}/kyc'].get.responses;
  delete kyc['200'];
  kyc['400'] = {
    description: 'A type the real spec does not document',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, example: { type: 'kyc_service_down' } } },
  };
  // 6. a wrong path guess: the real CRM has no `/public/v1/connections` (an inferred operation), so it answers 404.
  delete spec.paths['/public/v1/connections'];
  return spec;
}

describe('contract:live against a drifted CRM', () => {
  let realCrm: MockCrm;
  let dir: string;
  let report: DriftReport;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crm-live-'));
    const document = join(dir, 'drifted.openapi.json');
    writeFileSync(document, JSON.stringify(alteredSpec()));
    realCrm = await startMockCrm({ apiKey: KEY, document });
    report = await runLiveContract({ baseUrl: realCrm.url, apiKey: KEY });
  }, 60_000);
  afterAll(async () => {
    await realCrm?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // The verdicts are verify's (one implementation): a schema violation in an inferred operation refutes the
  // guess; violations name the JSONPath, the rule, what was expected and what came, never a value but a code.
  it('names every injected drift with its path and rule, and nothing else', () => {
    const drift = report.results.filter((r) => !['conforms', 'confirmed-guess', 'skipped'].includes(r.verdict)).map((r) => ({ id: r.operationId, verdict: r.verdict, status: r.status, violations: r.violations }));
    expect(drift).toEqual([
      { id: 'listClients', verdict: 'drift', status: 200, violations: [{ path: '$.count', rule: 'is required', expected: 'present', came: 'absent', guess: false }] },
      { id: 'getClient', verdict: 'drift', status: 200, violations: [{ path: '$.type', rule: 'must be one of: "ib", "trader"', expected: 'one of: "ib", "trader"', came: 'a string outside the list', guess: false, value: 'partner' }] },
      { id: 'getClientKycDetails', verdict: 'refuted-guess', status: 400, violations: [{ path: '$.type', rule: 'must be one of: "user_not_found"', expected: 'one of: "user_not_found"', came: 'a string outside the list', guess: true, value: 'kyc_service_down' }] },
      { id: 'getCountries', verdict: 'refuted-guess', status: 200, violations: [{ path: '$[0].code', rule: 'must be string', expected: 'string', came: 'integer', guess: true }] },
      { id: 'getStates', verdict: 'undocumented-status', status: 203, violations: [] },
      { id: 'listTradingConnections', verdict: 'refuted-guess', status: 404, violations: [] },
    ].sort((a, b) => report.results.findIndex((r) => r.operationId === a.id) - report.results.findIndex((r) => r.operationId === b.id)));
  });

  it('ran every read-only operation, and no write or money movement reached the CRM', () => {
    const { run, skipped } = selectOperations(operations, {});
    expect(report.results.filter((r) => r.verdict !== 'skipped').map((r) => r.operationId)).toEqual(run);
    expect(report.summary.conforms + report.summary['confirmed-guess']).toBe(run.length - 6);
    expect(skipped.map((s) => s.operationId)).toEqual(expect.arrayContaining(['depositToMt4Account', 'createClient', 'updateWalletBalance']));
    const unsafe = new Set(operations.filter((op) => op.operation['x-idempotent'] !== true).map((op) => `${op.method} ${op.path}`));
    expect(realCrm.requests.filter((r) => [...unsafe].some((u) => u.startsWith(`${r.method} `) && new RegExp(`^${u.split(' ')[1]!.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(r.path)))).toEqual([]);
  });

  it('marks each operation documented, inferred or confirmed, and names a refuted path guess', () => {
    const byId = Object.fromEntries(report.results.map((r) => [r.operationId, r]));
    expect({ source: byId.listTradingConnections!.source, verdict: byId.listTradingConnections!.verdict }).toEqual({ source: 'inferred', verdict: 'refuted-guess' });
    expect({ source: byId.getStates!.source, verdict: byId.getStates!.verdict }).toEqual({ source: 'inferred', verdict: 'undocumented-status' });
    expect(byId.listClients!.source).toBe('documented');
    expect(report.results.filter((r) => r.verdict === 'refuted-guess' && r.status === 404).map((r) => r.operationId)).toEqual(['listTradingConnections']);
    expect(report.results.filter((r) => r.source !== 'documented').length).toBeGreaterThan(10);
  });

  it('renders the report as HTML naming each drift', () => {
    const html = driftReportHtml(report);
    for (const id of ['listClients', 'getClient', 'getClientKycDetails', 'getCountries', 'getStates', 'listTradingConnections']) expect(html).toContain(id);
    expect(html).toContain('answered 203');
    expect(html).toContain('answered 404: the inferred path is not the CRM&#39;s');
  });
});

describe('selectOperations', () => {
  it('writes only with writes, money only with writes and money', () => {
    const all = operations.length;
    const readOnly = selectOperations(operations, {}).run.length;
    const withWrites = selectOperations(operations, { writes: true }).run.length;
    expect(readOnly).toBeLessThan(withWrites);
    expect(selectOperations(operations, { money: true }).run.length).toBe(readOnly);
    expect(selectOperations(operations, { writes: true, money: true }).run.length).toBe(all);
  });
});

it('without CRM_BASE_URL / CRM_API_KEY it explains what to set, exits 2 and touches no network', () => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CRM_')));
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'scripts', 'contract-live.ts')], { env, encoding: 'utf8' });
  expect(result.status).toBe(2);
  expect(result.stderr).toContain('CRM_BASE_URL is not set');
  expect(result.stderr).toContain('CRM_LIVE_MONEY=1');
  expect(readFileSync(bundledSpecPath('crm-rest'), 'utf8').length).toBeGreaterThan(0);
});
