// verifyCrm: a tenant's CRM checked against the spec this package was built from. The reads first (every
// GET and the look-ups, `concurrency` at a time), then, when asked for, the writes and money movements one at
// a time; each answer judged by the response schemas in generated/ and the package's own validator, so the
// installed package needs nothing else. Money moves only once confirmed.
import { responseSchemas } from '../../../generated/crm-rest.response-schemas';
import type { OperationEntry } from '../../core/validation/types';
import { detectSignatureVersion } from '../../rest/detect-signature-version';
import { boundedFetch, callOperation, type CallOutcome, type CallSettings } from './call';
import type { CallInput, Step } from './plan';
import { planRun, randomRunId } from './plan';
import { MAX_RATE_LIMITED_RETRIES, MAX_WAIT_MS, RateGate, rateLimitWaitMs, runPool } from './rate-limit';
import { responseValidators, type ResponseSchemas } from './response-validators';
import { tiersOf } from './tiers';
import { judge, type Judged } from './verdict';
import { FAILING, VERDICTS, VerifyAbortedError, type OperationResult, type SignatureChoice, type Source, type Verdict, type VerifyOptions, type VerifyReport } from './types';

const table = responseSchemas as ResponseSchemas;
const validators = /* @__PURE__ */ responseValidators(table);

const DEFAULTS = { concurrency: 2, timeoutMs: 20_000, maxBodyBytes: 8 * 1024 * 1024 };

/** Which of two verdicts of one operation (a call and its reversal) the operation gets. */
const WEIGHT: Record<Verdict, number> = { drift: 6, 'undocumented-status': 5, 'refuted-guess': 5, unreachable: 3, skipped: 2, 'confirmed-guess': 1, conforms: 1 };

function checkOptions(options: VerifyOptions): void {
  const fail = (message: string) => {
    throw new VerifyAbortedError(message);
  };
  let url: URL | undefined;
  try {
    url = new URL(options.baseUrl);
  } catch {
    fail('baseUrl must be an absolute http(s) URL');
  }
  if (url!.protocol !== 'http:' && url!.protocol !== 'https:') fail('baseUrl must be an absolute http(s) URL');
  if (typeof options.apiKey !== 'string' || options.apiKey === '') fail('apiKey is required');
  if (options.signatureVersion !== undefined && !['v1', 'v2', 'auto'].includes(options.signatureVersion)) fail("signatureVersion must be 'v1', 'v2' or 'auto'");
  if (options.writes && !options.testUser) fail('writes need a test user (testUser): every write acts on that one user');
  if (options.money && !options.writes) fail('money needs writes');
  if (options.money && (!Number.isInteger(options.money.login) || options.money.login <= 0 || !options.money.connectionId)) fail('money needs the MT4 login and connection id of an account of the test user');
  if (options.money?.currency !== undefined && !/^[A-Z]{3}$/.test(options.money.currency)) fail('the money currency must be a 3-letter code, e.g. USD');
  if (options.rejectRequest && !options.writes) fail('rejecting a withdrawal request is a write: it needs writes');
  if (options.approveRequest && !options.money) fail('approving a withdrawal request moves money: it needs money');
  const concurrency = options.concurrency ?? DEFAULTS.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) fail('concurrency must be an integer from 1 to 16');
  if (options.timeoutMs !== undefined && (!Number.isInteger(options.timeoutMs) || options.timeoutMs <= 0)) fail('timeoutMs must be a positive integer');
  if (options.runId !== undefined && !/^[a-z0-9]{8}$/.test(options.runId)) fail('runId must be 8 lower-case letters or digits');
}

/** The scheme to sign with: the one given, or the one the read-only probe finds (V2 when it cannot tell). */
async function chooseSignature(options: VerifyOptions, settings: Omit<CallSettings, 'signatureVersion'>): Promise<SignatureChoice> {
  const asked = options.signatureVersion ?? 'auto';
  if (asked !== 'auto') return { version: asked, how: 'given' };
  const found = await detectSignatureVersion({
    baseUrl: settings.baseUrl,
    apiKey: settings.apiKey,
    ...(settings.signingSecret ? { signingSecret: settings.signingSecret } : {}),
    timeoutMs: settings.timeoutMs,
    fetch: boundedFetch(settings.maxBodyBytes),
  });
  if (found.decided) return { version: found.version!, how: 'detected', detail: found.reason };
  const { v1, v2 } = found.observed;
  const refused = (type: string | undefined) => v1.type === type || v2.type === type;
  // A run that cannot authenticate or reach the CRM would report every operation unreachable: stop instead.
  if (refused('invalid_api_key') || (v1.type === 'invalid_signature' && v2.type === 'invalid_signature')) throw new VerifyAbortedError(`${found.reason}; nothing else was called`);
  if (v1.status === undefined && v2.status === undefined) throw new VerifyAbortedError(`no answer from the CRM at ${new URL(settings.baseUrl).origin} (${v2.error ?? v1.error}); nothing else was called`);
  return { version: 'v2', how: 'default', detail: `${found.reason}: signing with V2, the default` };
}

/** Every string of the report with the credentials blanked: a last guard (nothing should carry them). */
function scrub<T>(value: T, secrets: string[]): T {
  const blank = (text: string) => secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
  const walk = (at: unknown): unknown =>
    typeof at === 'string' ? blank(at) : Array.isArray(at) ? at.map(walk) : at !== null && typeof at === 'object' ? Object.fromEntries(Object.entries(at).map(([k, v]) => [k, walk(v)])) : at;
  return walk(value) as T;
}

const sourceOf = (id: string): Source => (table.operations[id]?.inferred ? (table.operations[id]?.confirmedInUse ? 'confirmed' : 'inferred') : 'documented');

export async function verifyCrm(options: VerifyOptions): Promise<VerifyReport> {
  checkOptions(options);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const runId = options.runId ?? randomRunId();
  const plan = planRun({ runId, ...options });

  // Nothing is called before the tenant agreed to the money movements.
  if (plan.money.length > 0 && !options.yes) {
    if (!options.confirm) throw new VerifyAbortedError('money moves only when confirmed: pass yes, or confirm');
    if (!(await options.confirm(plan.money))) throw new VerifyAbortedError('the money movements were not confirmed: nothing was called');
  }

  const base = { baseUrl: options.baseUrl, apiKey: options.apiKey, ...(options.signingSecret ? { signingSecret: options.signingSecret } : {}), timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs, maxBodyBytes: options.maxBodyBytes ?? DEFAULTS.maxBodyBytes };
  const signature = await chooseSignature(options, base);
  const settings: CallSettings = { ...base, signatureVersion: signature.version };
  const gate = new RateGate(options.concurrency ?? DEFAULTS.concurrency, sleep);
  const results = new Map<string, OperationResult>();

  const record = (entry: OperationEntry, tier: Step['tier'], judged: Judged, rateLimited = 0) => {
    const result: OperationResult = {
      operationId: entry.id,
      method: entry.method,
      path: entry.path,
      source: sourceOf(entry.id),
      tier,
      ...judged,
      documentedStatuses: validators.statuses(entry.id),
      ...(rateLimited > 0 ? { rateLimited } : {}),
    };
    results.set(entry.id, result);
    options.onResult?.(result);
  };

  /** One call, asked again after each 429 while that is safe (a read) and the wait is within bounds. */
  async function callPatiently(entry: OperationEntry, input: CallInput): Promise<{ judged: Judged; rateLimited: number }> {
    const inferred = table.operations[entry.id]?.inferred === true;
    for (let retry = 0; ; retry++) {
      await gate.open();
      const outcome: CallOutcome = await callOperation(settings, entry, input);
      if (!('answer' in outcome) || outcome.answer.status !== 429) return { judged: judge(entry.id, inferred, outcome, validators), rateLimited: retry };
      const wait = rateLimitWaitMs(outcome.answer.retryAfter, retry, now);
      const judged = judge(entry.id, inferred, outcome, validators);
      if (wait > MAX_WAIT_MS) return { judged: { ...judged, reason: `rate-limited: the CRM asks to wait ${Math.round(wait / 1000)} s, over the ${MAX_WAIT_MS / 1000} s bound` }, rateLimited: retry + 1 };
      if (!entry.idempotent) {
        void gate.holdFor(wait);
        return { judged: { ...judged, reason: 'rate-limited: answered 429; a write is never re-sent (it may have been applied: look for its effect at the test user)' }, rateLimited: retry + 1 };
      }
      if (retry >= MAX_RATE_LIMITED_RETRIES) return { judged: { ...judged, reason: `rate-limited: still 429 after ${retry + 1} answers` }, rateLimited: retry + 1 };
      await gate.holdFor(wait);
    }
  }

  async function runStep(step: Step): Promise<void> {
    const { entry, tier } = step;
    if (step.after) {
      const before = results.get(step.after.operationId);
      if (before?.status === undefined || !step.after.statuses.includes(before.status)) return record(entry, tier, { verdict: 'skipped', violations: [], reason: step.after.otherwise });
    }
    const first = await callPatiently(entry, step.calls[0]!.input);
    const reversal = step.calls[1];
    if (!reversal) return record(entry, tier, first.judged, first.rateLimited);
    if (first.judged.status === undefined || !step.reverseOn?.includes(first.judged.status)) {
      // A documented refusal changed nothing; any other answer leaves the outcome open, and nothing is guessed at.
      const refused = first.judged.status !== undefined && first.judged.status >= 400 && first.judged.status < 500 && first.judged.verdict !== 'unreachable';
      const why = refused ? 'nothing to undo: not reversed' : 'not reversed: its outcome is unknown (look at the test user)';
      return record(entry, tier, { ...first.judged, reason: [first.judged.reason, why].filter(Boolean).join('; ') }, first.rateLimited);
    }
    const second = await callPatiently(entry, reversal.input);
    // The operation's verdict is the worse of the call's and its reversal's; both answers are checked.
    const worse = WEIGHT[second.judged.verdict] > WEIGHT[first.judged.verdict] ? second.judged : first.judged;
    const reason = [worse.reason, `reversed (answered ${second.judged.status ?? 'nothing'})`].filter(Boolean).join('; ');
    record(entry, tier, { ...worse, violations: [...first.judged.violations, ...second.judged.violations], reason }, first.rateLimited + second.rateLimited);
  }

  for (const { entry, tier, reason } of plan.skipped) record(entry, tier, { verdict: 'skipped', violations: [], reason });
  await runPool(plan.concurrent, gate, runStep);
  for (const step of plan.sequential) await runStep(step);

  const ordered = Object.keys(table.operations).map((id) => results.get(id)!).filter(Boolean);
  const summary = Object.fromEntries(VERDICTS.map((verdict) => [verdict, ordered.filter((r) => r.verdict === verdict).length])) as Record<Verdict, number>;
  const report: VerifyReport = {
    target: new URL(options.baseUrl).origin,
    ranAt: new Date(now()).toISOString(),
    specVersion: table.specVersion,
    tiers: tiersOf(options),
    signature,
    results: ordered,
    summary,
    passed: ordered.every((r) => !FAILING.has(r.verdict)),
  };
  return scrub(report, [options.apiKey, options.signingSecret ?? ''].filter((s) => s.length >= 4));
}
