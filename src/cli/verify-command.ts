// `crm-open-api verify`: a tenant's CRM checked against the spec this package was built from, from the
// installed package. Reads only unless told otherwise; money only once confirmed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { planRun, randomRunId } from '../testing/verify/plan';
import { reportHtml } from '../testing/verify/report-html';
import { reportIssue } from '../testing/verify/report-issue';
import { reportJunit } from '../testing/verify/report-junit';
import { reportText } from '../testing/verify/report-text';
import { VerifyAbortedError, type VerifyOptions, type VerifyReport } from '../testing/verify/types';
import { verifyCrm } from '../testing/verify/verify-crm';

export const VERIFY_USAGE = `Usage: crm-open-api verify --base-url URL --api-key K [options]

  Calls every REST operation of your CRM and checks each answer against the spec this package was built
  from: per operation conforms, drift, undocumented-status, refuted-guess, confirmed-guess, skipped or
  unreachable. By default it makes only calls that change nothing (every GET and the look-ups).

  --signing-secret S       key of the body signature, when it is not the API key
  --signature-version V    v1, v2 or auto (default auto: found out first, as doctor does)
  --test-user ID           a user id of your CRM: the reads ask about it, the writes act on it
  --writes                 also the calls that create or change data for the test user (needs --test-user)
  --reject-request ID      with --writes: reject this pending withdrawal request (of the test user)
  --money                  also move the smallest amounts, each undone where the API allows (needs --writes,
                           --account, --connection); prints what it will do and asks first unless --yes
  --account LOGIN          the test user's MT4 account the money tier deposits to and withdraws from
  --connection ID          that account's MT4 connection id
  --currency CODE          the account's and the wallet's currency (default USD)
  --approve-request ID     with --money: approve (pay out) this pending withdrawal request; cannot be undone
  --yes                    move money without asking (required when stdin is not a terminal)
  --concurrency N          calls at once (default 2; the first 429 slows it to 1)
  --timeout-ms MS          per call, for the answer and its body (default 20000)
  --json FILE              the report as JSON
  --html FILE              the report as one self-contained HTML page
  --junit FILE             the report as JUnit XML
  --report-issue FILE      a Markdown text for the spec's maintainers (types and statuses, never data)

  Exit status 0 when nothing is drift, undocumented-status or refuted-guess, 1 when something is, 2 when it
  could not run (bad options, credentials refused, money not confirmed, nothing reachable).
  CRM_BASE_URL, CRM_API_KEY and CRM_SIGNING_SECRET work too.`;

export interface VerifyCommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Asks a question on the terminal; undefined when stdin is not one (then money needs --yes). */
  ask?: (question: string) => Promise<string>;
}

const terminal = (): VerifyCommandIo => ({
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  ...(process.stdin.isTTY
    ? {
        ask: async (question: string) => {
          const prompt = createInterface({ input: process.stdin, output: process.stdout });
          try {
            return await prompt.question(question);
          } finally {
            prompt.close();
          }
        },
      }
    : {}),
});

function positiveInteger(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new VerifyAbortedError(`${flag} must be a positive integer`);
  return value;
}

function writeReport(file: string | undefined, text: () => string, io: VerifyCommandIo): void {
  if (!file) return;
  const path = resolve(file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text());
  io.out(`wrote ${path}`);
}

/** Runs the command; resolves to the exit status. */
export async function verifyCommand(args: string[], io: VerifyCommandIo = terminal()): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'base-url': { type: 'string' },
      'api-key': { type: 'string' },
      'signing-secret': { type: 'string' },
      'signature-version': { type: 'string', default: 'auto' },
      'test-user': { type: 'string' },
      writes: { type: 'boolean', default: false },
      'reject-request': { type: 'string' },
      money: { type: 'boolean', default: false },
      account: { type: 'string' },
      connection: { type: 'string' },
      currency: { type: 'string' },
      'approve-request': { type: 'string' },
      yes: { type: 'boolean', default: false },
      concurrency: { type: 'string' },
      'timeout-ms': { type: 'string' },
      json: { type: 'string' },
      html: { type: 'string' },
      junit: { type: 'string' },
      'report-issue': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    io.out(VERIFY_USAGE);
    return 0;
  }
  try {
    const baseUrl = values['base-url'] ?? process.env.CRM_BASE_URL;
    const apiKey = values['api-key'] ?? process.env.CRM_API_KEY;
    if (!baseUrl || !apiKey) throw new VerifyAbortedError(`--base-url and --api-key are required\n\n${VERIFY_USAGE}`);
    const signatureVersion = values['signature-version'];
    if (signatureVersion !== 'v1' && signatureVersion !== 'v2' && signatureVersion !== 'auto') throw new VerifyAbortedError('--signature-version must be v1, v2 or auto');
    if (values.money && (!values.account || !values.connection)) throw new VerifyAbortedError('--money needs --account LOGIN and --connection ID (an MT4 account of the test user)');
    const signingSecret = values['signing-secret'] ?? process.env.CRM_SIGNING_SECRET;
    const concurrency = positiveInteger(values.concurrency, '--concurrency');
    const timeoutMs = positiveInteger(values['timeout-ms'], '--timeout-ms');
    const options: VerifyOptions = {
      baseUrl,
      apiKey,
      ...(signingSecret ? { signingSecret } : {}),
      signatureVersion,
      ...(values['test-user'] ? { testUser: values['test-user'] } : {}),
      writes: values.writes,
      ...(values.money ? { money: { login: positiveInteger(values.account, '--account')!, connectionId: values.connection!, ...(values.currency ? { currency: values.currency } : {}) } } : {}),
      ...(values['reject-request'] ? { rejectRequest: values['reject-request'] } : {}),
      ...(values['approve-request'] ? { approveRequest: values['approve-request'] } : {}),
      yes: values.yes,
      ...(concurrency === undefined ? {} : { concurrency }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      runId: randomRunId(),
    };
    const target = (() => {
      try {
        return new URL(baseUrl).origin;
      } catch {
        return baseUrl;
      }
    })();
    // What the run will change is said before it starts; the money, also asked about.
    const plan = planRun({ runId: options.runId!, ...options });
    if (plan.writes.length) io.out(`--writes will, on ${target}:\n${plan.writes.map((line) => `  - ${line}`).join('\n')}`);
    const moneyPlan = (lines: string[]) => `--money will, on ${target}:\n${lines.map((line) => `  - ${line}`).join('\n')}`;
    if (plan.money.length && options.yes) io.out(`${moneyPlan(plan.money)}\n(confirmed by --yes)`);
    else if (plan.money.length && !io.ask) throw new VerifyAbortedError('--money asks before moving money, and stdin is not a terminal: add --yes to go on without asking');
    const report: VerifyReport = await verifyCrm({
      ...options,
      confirm: async (lines) => {
        io.out(moneyPlan(lines));
        const answer = await io.ask!('Move this money? Type "yes" to go on: ');
        return answer.trim().toLowerCase() === 'yes';
      },
    });
    io.out(reportText(report));
    writeReport(values.json, () => `${JSON.stringify(report, null, 2)}\n`, io);
    writeReport(values.html, () => reportHtml(report), io);
    writeReport(values.junit, () => reportJunit(report), io);
    writeReport(values['report-issue'], () => reportIssue(report), io);
    if (values['report-issue'] && (report.summary['refuted-guess'] || report.summary.drift || report.summary['undocumented-status'] || report.summary['confirmed-guess'])) {
      io.out("Please send the --report-issue text to crm-open-api's maintainers (an issue in its repository's tracker): it corrects the spec for every tenant.");
    }
    const checked = report.results.filter((r) => r.verdict !== 'skipped' && r.verdict !== 'unreachable').length;
    if (checked === 0) {
      io.err('crm-open-api verify: no operation could be checked (every call was unreachable or skipped)');
      return 2;
    }
    return report.passed ? 0 : 1;
  } catch (error) {
    if (!(error instanceof VerifyAbortedError)) throw error;
    io.err(`crm-open-api verify: ${error.message}`);
    return 2;
  }
}
