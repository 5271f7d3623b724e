// checkReceiver: the CRM played against a tenant's server (its webhook endpoint, PSP `/pay/url`, rate API or
// wallet service), case by case: every operation with the spec's example, the refusals of what the CRM never
// sends, hostile bodies, repeats, and every answer measured against the CRM's timeout. No case passes on a
// server that does not answer; a run passes only when every case that ran passed.
import { randomUUID } from 'node:crypto';
import { DEFAULT_CRM_TIMEOUT_MS, judgeAnswer, redactKnownSecrets, SECRET_OF, secretProblem, urlProblem } from '../crm-calls';
import { failed, type CaseContext, type KitCase } from './case';
import { sendKitRequest } from './send';
import { exchangeRateCases } from './surfaces/exchange-rates';
import { walletCases } from './surfaces/external-wallets';
import { pspCases } from './surfaces/psp';
import { webhookCases } from './surfaces/webhooks';
import { CheckAbortedError, KIT_SURFACES, type CaseResult, type CaseVerdict, type CheckReceiverOptions, type ConformanceReport, type KitSecrets, type KitSurface } from './types';
import { buildCall, type CrmCall } from './well-formed-call';

/** The CRM's timeout for each of the four calls: crm-calls' decision (5 s; the webhook page's, taken for the others). */
export const CRM_TIMEOUT_MS = DEFAULT_CRM_TIMEOUT_MS;

/** Which secret each surface needs, by option name: the one crm-calls signs with. */
export const SURFACE_SECRET: Record<KitSurface, keyof KitSecrets> = SECRET_OF;

function casesOf(options: CheckReceiverOptions, secret: string): KitCase<CrmCall>[] {
  switch (options.surface) {
    case 'webhooks':
      return webhookCases(secret);
    case 'psp':
      return pspCases(secret, options.pspSign ?? 'if-present');
    case 'exchange-rates':
      return exchangeRateCases();
    case 'external-wallets': {
      const moneySkip = !options.allowWrites ? 'moves money in your wallet service: runs only with allowWrites (--allow-writes) and testUser (--test-user)' : !options.testUser ? 'moves money: allowWrites needs testUser (--test-user), the user whose wallet it may use' : undefined;
      return walletCases({
        walletsKey: secret,
        currency: options.currency ?? 'USD',
        ...(options.testUser ? { testUser: options.testUser } : {}),
        ...(moneySkip ? { moneySkip } : { moneyUser: options.testUser! }),
        orderId: () => `crm-open-api-check-${randomUUID()}`,
      });
    }
  }
}


export async function checkReceiver(options: CheckReceiverOptions): Promise<ConformanceReport> {
  const { surface, url } = options;
  if (!KIT_SURFACES.includes(surface)) throw new CheckAbortedError(`surface must be one of ${KIT_SURFACES.join(', ')}`);
  const problem = urlProblem(url);
  if (problem) throw new CheckAbortedError(`url ${problem}`);
  const secretName = SURFACE_SECRET[surface];
  const secret = options[secretName];
  if (typeof secret !== 'string' || secret === '') throw new CheckAbortedError(`${surface} needs ${secretName}`);
  const refused = secretProblem(secretName, secret);
  if (refused) throw new CheckAbortedError(`${secretName}: ${refused}`);
  const timeoutMs = options.timeoutMs ?? CRM_TIMEOUT_MS;
  const giveUpMs = options.giveUpMs ?? timeoutMs * 2;
  const now = options.now ?? Date.now;
  const ranAt = new Date(now()).toISOString();
  const secrets: KitSecrets = { [secretName]: secret };

  /**
   * The first case to which no answer of any kind came within giveUpMs while none had come to any call before:
   * the server is not answering, so every later call fails at once naming that case (never passes) instead of
   * each waiting giveUpMs again. A server that has answered once is waited for on every call (it may hang on
   * one hostile body only, which fails that case alone).
   */
  let silentAt: string | undefined;
  const results: CaseResult[] = [];
  /** Every answer's duration and the case it belongs to, for the timing case. */
  const timings: { id: string; durationMs: number; answered: boolean }[] = [];
  const tell = (result: CaseResult) => {
    results.push(result);
    options.onResult?.(result);
  };

  for (const kase of casesOf(options, secret)) {
    const base = { id: kase.id, group: kase.group, title: kase.title, problems: [] };
    if (kase.skip) {
      tell({ ...base, verdict: 'skipped', reason: kase.skip });
      continue;
    }
    let slowest: number | undefined;
    const context: CaseContext<CrmCall> = {
      send: async (request) => {
        if (silentAt !== undefined) return { failure: `no answer: not sent, the server did not answer ${silentAt} within ${giveUpMs} ms`, durationMs: 0 };
        const exchange = await sendKitRequest(request, giveUpMs);
        const answered = 'status' in exchange;
        if (!answered && exchange.timedOut && !timings.some((t) => t.answered)) silentAt = kase.id;
        timings.push({ id: kase.id, durationMs: exchange.durationMs, answered });
        if (answered) slowest = Math.max(slowest ?? 0, exchange.durationMs);
        return exchange;
      },
      build: (call) => buildCall(surface, url, secrets, call),
      judge: (operationId, exchange) => judgeAnswer(surface, operationId, exchange).problems,
    };
    let outcome;
    try {
      outcome = await kase.run(context);
    } catch (error) {
      // A case that cannot go on (an answer of a shape it cannot read) fails; it never passes.
      outcome = failed(`the case could not run to its end: ${error instanceof Error ? error.name : 'an error'}`);
    }
    tell({ ...base, ...outcome, ...(slowest === undefined ? {} : { durationMs: slowest }) });
  }

  const late = timings.filter((t) => t.durationMs > timeoutMs && (t.answered || t.durationMs >= giveUpMs)).sort((a, b) => b.durationMs - a.durationMs);
  const answeredAny = timings.some((t) => t.answered);
  tell({
    id: 'timing.within-timeout',
    group: 'timing',
    title: `every answer within the CRM's timeout (${timeoutMs} ms)`,
    problems: [],
    ...(!answeredAny
      ? { verdict: 'failed', reason: 'no answer came to any call' }
      : late.length
        ? { verdict: 'failed', durationMs: late[0]!.durationMs, reason: `${late.length} answer(s) came after ${timeoutMs} ms, the slowest in ${late[0]!.durationMs} ms (${[...new Set(late.map((t) => t.id))].join(', ')}); the CRM has given up by then` }
        : { verdict: 'passed', durationMs: Math.max(...timings.filter((t) => t.answered).map((t) => t.durationMs)) }),
  });

  const summary: Record<CaseVerdict, number> = { passed: 0, failed: 0, skipped: 0 };
  for (const result of results) summary[result.verdict]++;
  return { surface, target: redactKnownSecrets(url, secrets), ranAt, timeoutMs, results, summary, passed: summary.failed === 0 && summary.passed > 0 };
}
