// `crm-open-api check`: the CRM played against one of the tenant's own servers (webhook endpoint, PSP
// `/pay/url`, rate API, wallet service), case by case, from the installed package. Money moves only with
// --allow-writes and a --test-user the tenant names.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { redactKnownSecrets, secretProblem, urlProblem } from '../testing/crm-calls';
import { checkReceiver, CRM_TIMEOUT_MS, SURFACE_SECRET } from '../testing/receiver-check/check-receiver';
import { checkReportJunit, checkReportText } from '../testing/receiver-check/report';
import { CheckAbortedError, KIT_SURFACES, type CheckReceiverOptions, type KitSecrets, type KitSurface } from '../testing/receiver-check/types';
import { SECRET_FLAGS } from './secret-flags';

export const CHECK_USAGE = `Usage: crm-open-api check <webhooks|psp|exchange-rates|external-wallets> --url URL [secret] [options]

  Plays the CRM against your own server and reports each case passed, FAILED or skipped, with the reason:
  every operation with the spec's example (status and body against the spec), the refusals of what the CRM
  never sends (a missing or wrong secret, an unsigned or tampered body; a 2xx to one is critical), hostile
  bodies (not JSON, text/plain, over 1 MiB, 5000 levels deep: a 4xx, never a 5xx or a hang), repeats, and
  every answer against the CRM's timeout (${CRM_TIMEOUT_MS} ms). An answer slower than that is waited for up
  to twice as long and named; when no answer at all comes to a call before any has come, the server is taken
  as not answering and the remaining cases fail at once, each naming that case (about 2 timeouts in all).

  --url URL                webhooks: the webhook URL; psp: APP_URL (calls {url}/pay/url); exchange-rates: the
                           rate API's URL ({url}/rate); external-wallets: {api_url} ({url}/wallets…)
  --webhook-secret S       webhooks: the webhook's secret token (or CRM_WEBHOOK_SECRET)
  --psp-token T            psp: the crm-pay-token (or CRM_PSP_TOKEN)
  --rates-key K            exchange-rates: the API key (or CRM_RATES_KEY)
  --wallets-key K          external-wallets: the API key (or CRM_WALLETS_KEY)
  --psp-sign MODE          psp: how your /pay/url treats sign: require, if-present (default) or ignore
  --allow-writes           external-wallets: also the cases that move money (credit, debit, repeats), each
                           credit taken back by a debit (needs --test-user)
  --test-user ID           external-wallets: the external_user_id whose wallet those cases may use
  --currency CODE          external-wallets: that wallet's currency (default USD)
  --timeout-ms MS          the CRM's timeout the answers are judged against (default ${CRM_TIMEOUT_MS})
  --json FILE              the report as JSON
  --junit FILE             the report as JUnit XML (one test case a case)

  Exit status 0 when every case that ran passed, 1 when one failed (a server that does not answer fails
  every case), 2 when it could not run (bad options).`;

export interface CheckCommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const terminal = (): CheckCommandIo => ({ out: (line) => console.log(line), err: (line) => console.error(line) });

/** Each secret's flag and environment variable, by surface. */
const SECRET_SOURCES: Record<KitSurface, { flag: 'webhook-secret' | 'psp-token' | 'rates-key' | 'wallets-key'; env: string }> = {
  webhooks: { flag: 'webhook-secret', env: 'CRM_WEBHOOK_SECRET' },
  psp: { flag: 'psp-token', env: 'CRM_PSP_TOKEN' },
  'exchange-rates': { flag: 'rates-key', env: 'CRM_RATES_KEY' },
  'external-wallets': { flag: 'wallets-key', env: 'CRM_WALLETS_KEY' },
};

function writeReport(file: string | undefined, text: () => string, io: CheckCommandIo): void {
  if (!file) return;
  const path = resolve(file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text());
  io.out(`wrote ${path}`);
}

/** Runs the command; resolves to the exit status. */
export async function checkCommand(args: string[], io: CheckCommandIo = terminal()): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        options: {
          url: { type: 'string' },
          ...SECRET_FLAGS,
          'psp-sign': { type: 'string' },
          'allow-writes': { type: 'boolean', default: false },
          'test-user': { type: 'string' },
          currency: { type: 'string' },
          'timeout-ms': { type: 'string' },
          json: { type: 'string' },
          junit: { type: 'string' },
          help: { type: 'boolean', short: 'h', default: false },
        },
        strict: true,
      });
    } catch (error) {
      throw new CheckAbortedError(`${error instanceof Error ? error.message : String(error)}\n\n${CHECK_USAGE}`);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.out(CHECK_USAGE);
      return 0;
    }
    const surface = positionals[0] as KitSurface | undefined;
    if (!surface || !KIT_SURFACES.includes(surface) || positionals.length > 1) throw new CheckAbortedError(`name one surface: ${KIT_SURFACES.join(', ')}\n\n${CHECK_USAGE}`);
    if (!values.url) throw new CheckAbortedError(`--url is required\n\n${CHECK_USAGE}`);
    const source = SECRET_SOURCES[surface];
    const secret = values[source.flag] ?? process.env[source.env];
    if (!secret) throw new CheckAbortedError(`${surface} needs --${source.flag} (or ${source.env})`);
    // Named as the tenant gave it, never echoed: a CR or LF would break the header of every case.
    const refused = secretProblem(SURFACE_SECRET[surface], secret);
    if (refused) throw new CheckAbortedError(`${values[source.flag] === undefined ? source.env : `--${source.flag}`}: ${refused}`);
    const urlRefused = urlProblem(values.url);
    if (urlRefused) throw new CheckAbortedError(`--url ${urlRefused}`);
    const pspSign = values['psp-sign'];
    if (pspSign !== undefined && pspSign !== 'require' && pspSign !== 'if-present' && pspSign !== 'ignore') throw new CheckAbortedError('--psp-sign must be require, if-present or ignore');
    if (values['allow-writes'] && !values['test-user']) throw new CheckAbortedError('--allow-writes needs --test-user ID: the user whose wallet the money cases may use');
    const timeoutText = values['timeout-ms'];
    const timeoutMs = timeoutText === undefined ? undefined : Number(timeoutText);
    if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs <= 0)) throw new CheckAbortedError('--timeout-ms must be a positive integer');
    const options: CheckReceiverOptions = {
      surface,
      url: values.url,
      ...({ [SURFACE_SECRET[surface]]: secret } as KitSecrets),
      ...(pspSign ? { pspSign } : {}),
      allowWrites: values['allow-writes'],
      ...(values['test-user'] ? { testUser: values['test-user'] } : {}),
      ...(values.currency ? { currency: values.currency } : {}),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    };
    const report = await checkReceiver(options);
    // A secret anywhere in what is printed or written (the URL's query, a reason) is redacted.
    const shown = (text: string) => redactKnownSecrets(text, { [SURFACE_SECRET[surface]]: secret });
    io.out(shown(checkReportText(report)));
    writeReport(values.json, () => shown(`${JSON.stringify(report, null, 2)}\n`), io);
    writeReport(values.junit, () => shown(checkReportJunit(report)), io);
    return report.passed ? 0 : 1;
  } catch (error) {
    if (!(error instanceof CheckAbortedError)) throw error;
    io.err(`crm-open-api check: ${error.message}`);
    return 2;
  }
}
