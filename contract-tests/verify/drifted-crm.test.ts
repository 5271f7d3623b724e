// verifyCrm against a CRM that differs from the spec in known ways: the sandbox behind a proxy that removes
// paths, renames a field, changes types, answers extra statuses, bursts of 429s, a stall, a redirect, an
// answer too large and one that is not JSON. Each difference must come out under the right verdict and
// nothing else may; no report may hold a secret or a personal value; a write is never re-sent.
import { startSandboxCrm, type SandboxCrm } from '../../src/testing/sandbox/server';
import type { OperationResult, VerifyReport } from '../../src/testing/verify/types';
import { verifyCrm } from '../../src/testing/verify/verify-crm';
import { reportIssue } from '../../src/testing/verify/report-issue';
import { reportJunit } from '../../src/testing/verify/report-junit';
import { reportText } from '../../src/testing/verify/report-text';
import { registerSecret } from '../harness/output-scan';
import { startCountingServer, startDriftedCrm, type DriftedCrm, type Rewrite } from './harness/drifted-crm';
import { leaksIn } from './harness/report-scan';

const KEY = 'verify-drift-key-77a2';
const SECRET = 'verify-drift-signing-secret-0c4e';
registerSecret(KEY);
registerSecret(SECRET);
const USER = '3fA9kQ2z';

const tooMany = (retryAfter?: string): Extract<Rewrite, { answer: unknown }>['answer'] => ({ status: 429, body: { type: 'too_many_requests' }, ...(retryAfter === undefined ? {} : { headers: { 'retry-after': retryAfter } }) });

/** The differences, by `METHOD /path` as the run sends it. */
function drifts(elsewhere: string): Record<string, Rewrite> {
  return {
    // A path missing: an inferred one (refutes the guess) and a documented one (an undocumented status).
    'GET /public/v1/connections': { answer: { status: 404, body: { type: 'not_found' } } },
    'GET /public/v1/mt4/trades': { answer: { status: 404, body: { type: 'not_found' } } },
    // A renamed field: `count` is `total`.
    'GET /public/v1/users': { rewrite: ({ count, ...rest }) => ({ ...rest, total: count }) },
    'POST /public/v1/users/create': { rewrite: ({ id }) => ({ client_id: id }) },
    // A changed type: in a documented operation, in an inferred one, in a guessed field of a documented one.
    [`GET /public/v1/users/${USER}`]: { rewrite: (client) => ({ ...client, created_at: 1715342400 }) },
    'GET /public/v1/configurations/countries': { rewrite: ([first, ...rest]) => [{ ...first, code: 44 }, ...rest] },
    'GET /public/v1/tradingCompetition/leaderboard': { rewrite: (board) => ({ ...board, last_update_time: 'yesterday' }) },
    // A value outside a list, in an inferred operation.
    [`GET /public/v1/users/${USER}/kyc`]: { rewrite: (kyc) => ({ ...kyc, kyc_status: 'on_hold' }) },
    // Extra statuses.
    'GET /public/v1/configurations/states': { rewrite: (states) => states, status: 203 },
    'GET /public/v1/form/s3/signature': { answer: { status: 500, body: { type: 'internal_error' } } },
    'GET /public/v1/form/kyc/collections': { answer: { status: 503, text: 'down for maintenance', contentType: 'text/plain' } },
    'GET /public/v1/form/registration/trader': { answer: { status: 200, text: '<html>login</html>', contentType: 'text/html; charset=utf-8' } },
    // Bursts of 429: waited out (Retry-After, or 1 s doubling without one), given up on, or a write.
    [`GET /public/v1/users/${USER}/details`]: { answer: tooMany('1'), times: 3 },
    'GET /public/v1/wallets': { answer: tooMany(), times: 2 },
    'GET /public/v1/form/kyc': { answer: tooMany('0') },
    'GET /public/v1/configurations/cities': { answer: tooMany('3600') },
    'POST /public/v1/leads': { answer: tooMany('2') },
    // A CRM that echoes the API key where a code belongs: the report blanks it.
    [`POST /public/v1/users/${USER}/profile/submit`]: { answer: { status: 400, body: { type: KEY } } },
    // No usable answer: a stall after the headers, a body over the bound, a redirect elsewhere.
    'GET /public/v1/report/commissions/fixed': { stall: true },
    'GET /public/v1/report/commissions/flexible': { rewrite: (page) => ({ ...page, padding: 'x'.repeat(80 * 1024) }) },
    'GET /public/v1/mt4/connection': { redirect: `${elsewhere}/public/v1/mt4/connection` },
  };
}

type Seen = Pick<OperationResult, 'verdict' | 'status'> & { violations?: OperationResult['violations']; reason?: string | RegExp };

const EXPECTED: Record<string, Seen> = {
  listTradingConnections: { verdict: 'refuted-guess', status: 404, reason: 'answered 404: the inferred path is not the CRM\'s (documented: 200, 403)' },
  listMt4Trades: { verdict: 'undocumented-status', status: 404, reason: 'answered 404; documented: 200, 400, 403' },
  listClients: { verdict: 'drift', status: 200, violations: [{ path: '$.count', rule: 'is required', expected: 'present', came: 'absent', guess: false }] },
  createClient: { verdict: 'drift', status: 201, violations: [{ path: '$.id', rule: 'is required', expected: 'present', came: 'absent', guess: false }] },
  getClient: { verdict: 'drift', status: 200, violations: [{ path: '$.created_at', rule: 'must be string', expected: 'string', came: 'integer', guess: false }] },
  getCountries: { verdict: 'refuted-guess', status: 200, violations: [{ path: '$[0].code', rule: 'must be string', expected: 'string', came: 'integer', guess: true }] },
  getCompetitionLeaderboard: { verdict: 'refuted-guess', status: 200, violations: [{ path: '$.last_update_time', rule: 'must be integer', expected: 'integer', came: 'string', guess: true }] },
  getClientKycDetails: { verdict: 'refuted-guess', status: 200, violations: [{ path: '$.kyc_status', rule: 'must be one of: "pending", "verified", "rejected"', expected: 'one of: "pending", "verified", "rejected"', came: 'a string outside the list', guess: true, value: 'on_hold' }] },
  getStates: { verdict: 'undocumented-status', status: 203, reason: 'answered 203; documented: 200, 403' },
  getS3UploadSignature: { verdict: 'undocumented-status', status: 500, reason: 'answered 500; documented: 200, 400, 403' },
  listClientKycForms: { verdict: 'unreachable', status: 503, reason: 'the CRM answered 503 (unavailable)' },
  getTraderRegistrationForm: { verdict: 'drift', status: 200, violations: [{ path: '$', rule: 'must be JSON', expected: 'a JSON body', came: 'a text/html body that is not JSON', guess: false }] },
  getClientKycForm: { verdict: 'unreachable', status: 429, reason: 'rate-limited: still 429 after 6 answers' },
  getCities: { verdict: 'unreachable', status: 429, reason: 'rate-limited: the CRM asks to wait 3600 s, over the 60 s bound' },
  createLead: { verdict: 'unreachable', status: 429, reason: 'rate-limited: answered 429; a write is never re-sent (it may have been applied: look for its effect at the test user)' },
  getFixedCommissionReport: { verdict: 'unreachable', reason: /^getFixedCommissionReport: no answer within 1500 ms/ },
  getFlexibleCommissionReport: { verdict: 'unreachable', status: 200, reason: `not checked: an answer over ${64 * 1024} bytes` },
  getMt4ConnectionInfo: { verdict: 'undocumented-status', status: 302, reason: 'answered 302; documented: 200, 400, 403' },
  submitClientKyc: { verdict: 'drift', status: 400, violations: [{ path: '$.type', rule: 'must be one of: "account_not_found", "invalid_request", "kyc_duplicate_error"', expected: 'one of: "account_not_found", "invalid_request", "kyc_duplicate_error"', came: 'a string outside the list', guess: false, value: '[redacted]' }] },
};

let sandbox: SandboxCrm;
let crm: DriftedCrm;
let elsewhere: Awaited<ReturnType<typeof startCountingServer>>;
let report: VerifyReport;
const waits: number[] = [];

beforeAll(async () => {
  sandbox = await startSandboxCrm({ apiKey: KEY, signingSecret: SECRET });
  elsewhere = await startCountingServer();
  crm = await startDriftedCrm(sandbox.url, drifts(elsewhere.url));
  report = await verifyCrm({
    baseUrl: crm.url,
    apiKey: KEY,
    signingSecret: SECRET,
    testUser: USER,
    writes: true,
    timeoutMs: 1500,
    maxBodyBytes: 64 * 1024,
    runId: 'drift001',
    sleep: async (ms) => void waits.push(ms),
  });
});
afterAll(async () => {
  await crm?.stop();
  await elsewhere?.stop();
  await sandbox?.stop();
});

const seen = (r: OperationResult): Seen => ({ verdict: r.verdict, ...(r.status === undefined ? {} : { status: r.status }), ...(r.violations.length ? { violations: r.violations } : {}), ...(r.reason ? { reason: r.reason } : {}) });

it('reports each difference under its verdict, with the path, the rule, what was expected and what came', () => {
  const different = Object.fromEntries(report.results.filter((r) => EXPECTED[r.operationId]).map((r) => [r.operationId, seen(r)]));
  const expected = Object.fromEntries(Object.entries(EXPECTED).map(([id, { reason, ...rest }]) => [id, { ...rest, ...(reason === undefined ? {} : { reason: typeof reason === 'string' ? reason : expect.stringMatching(reason) }) }]));
  expect(different).toEqual(expected);
});

it('and nothing else: every other operation it called conforms or confirms a guess', () => {
  const others = report.results.filter((r) => !EXPECTED[r.operationId]);
  expect(others.filter((r) => !['conforms', 'confirmed-guess', 'skipped'].includes(r.verdict)).map(seen)).toEqual([]);
  // Skipped: the money tier (not asked for) and the withdrawal request it was not given.
  expect(others.filter((r) => r.verdict === 'skipped').map((r) => r.operationId).sort()).toEqual(['approveWithdrawalRequest', 'depositToMt4Account', 'rejectWithdrawalRequest', 'updateWalletBalance', 'withdrawFromMt4Account']);
  expect(report.passed).toBe(false);
  expect(report.summary).toMatchObject({ drift: 5, 'refuted-guess': 4, 'undocumented-status': 4, unreachable: 6, skipped: 5 });
});

it('waits a 429 out (Retry-After, else 1 s doubling), bounded, and slows to one call at a time', () => {
  const byId = Object.fromEntries(report.results.map((r) => [r.operationId, r]));
  expect(byId.getClientRegistrationDetails).toMatchObject({ verdict: 'conforms', status: 200, rateLimited: 3 });
  expect(byId.getWalletBalances).toMatchObject({ verdict: 'conforms', status: 200, rateLimited: 2 });
  // 3 × Retry-After 1 s; 1 s then 2 s without one; 5 × 0 s before giving up; the write's 2 s; never the 3600 s asked.
  expect([...waits].sort((a, b) => a - b)).toEqual([0, 0, 0, 0, 0, 1000, 1000, 1000, 1000, 2000, 2000]);
  expect(crm.maxInFlight).toBeLessThanOrEqual(2);
});

it('never re-sends a write, and follows no redirect (the key stays with the CRM)', () => {
  expect(crm.requests.filter((r) => r === 'POST /public/v1/leads')).toHaveLength(1);
  expect(crm.requests.filter((r) => r === 'GET /public/v1/form/kyc')).toHaveLength(6);
  expect(elsewhere.hits).toEqual([]);
});

it('no report holds the key, the signing secret, a signature, or a secret or personal value; the text for the maintainers holds no value at all', () => {
  expect(crm.sensitiveValues.size).toBeGreaterThan(10);
  expect(leaksIn(report, [KEY, SECRET, ...crm.signatures, ...crm.sensitiveValues])).toEqual([]);
  const issue = reportIssue(report);
  expect(issue).not.toContain('on_hold');
  expect(issue).not.toContain(crm.url);
  expect(reportText(report)).toContain('$.kyc_status must be one of: "pending", "verified", "rejected" (came a string outside the list: "on_hold") [guess]');
});

it('the text for the maintainers lists the refuted guesses, the drifts, the undocumented statuses and the confirmed guesses', () => {
  const issue = reportIssue(report);
  const section = (title: string) => issue.split(`### ${title}`)[1]!.split('###')[0]!;
  expect(section('Refuted guesses')).toContain('| `listTradingConnections` (inferred) | `GET /public/v1/connections` | 404 | — | a documented status (200, 403) | 404 |');
  expect(section('Refuted guesses')).toContain('| `getCompetitionLeaderboard` | `GET /public/v1/tradingCompetition/leaderboard` | 200 | `$.last_update_time` (guess) | integer | string |');
  expect(section('Drift')).toContain('| `listClients` | `GET /public/v1/users` | 200 | `$.count` | present | absent |');
  expect(section('Undocumented statuses')).toContain('| `getStates` (inferred) | `GET /public/v1/configurations/states` | 203 | 200, 403 |');
  expect(section('Confirmed guesses')).toContain('| `getClientUplines` (inferred) | `POST /public/v1/users/uplines` | 200 |');
  const junit = reportJunit(report);
  expect(junit).toContain('<testsuites name="crm-open-api verify" tests="42" failures="13" errors="0" skipped="11">');
  expect(junit).toContain('<failure type="refuted-guess" message="refuted-guess (404)">');
});
