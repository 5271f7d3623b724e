// `crm-open-api trigger`: one signed call of the CRM to a server the tenant wrote (a webhook event, a
// `/pay/url`, a rate question, a wallet list/get/credit/debit), printed with its answer and the verdict.
import { parseArgs } from 'node:util';
import { buildCrmCall, recordCrmCall, redactKnownSecrets, secretProblem, urlProblem, sendCrmCall, webhookBody, webhookEventNames, DEFAULT_CRM_TIMEOUT_MS, type CrmCallRecord, type CrmCallSecrets, type CrmSurface } from '../testing/crm-calls';
import { SECRET_FLAGS } from './secret-flags';

export const TRIGGER_USAGE = `Usage: crm-open-api trigger <what> --to URL [secret] [options]

  Sends one call as the CRM sends it to your server, signed, and checks the answer against the spec.
  <what>:  a webhook event (users.create, requests.withdrawal.approve.node.2, requests.kyc.reject, …)
           pay-url                   POST {URL}/pay/url (needs --psp-token)
           rates                     GET {URL}/rate?from=…&to=… (needs --rates-key; --param from=USD --param to=EUR)
           wallet list|get|credit|debit   {URL}/wallets… (needs --wallets-key)

  --to URL                 your server (the webhook URL itself; otherwise the base the path is added to)
  --webhook-secret S       the webhook's secret token (X-Crm-Signature)
  --psp-token T            the crm-pay-token (header and sign)
  --rates-key K            the rate API's key
  --wallets-key K          the wallet service's API key (key header and signature)
  --body JSON              the whole body instead of the spec's example (signed as given)
  --data JSON              for a webhook: fields over the example's data
  --param NAME=VALUE       a query parameter (repeatable), e.g. --param currency=EUR
  --timeout-ms MS          for the answer and its body (default ${DEFAULT_CRM_TIMEOUT_MS}, the CRM's)
  --json                   print the record as JSON instead

  Exit status 0 when the answer is one the spec documents for the call, 1 when it is not (or none came),
  2 when it could not be sent (bad options). Secrets are never printed.
  Webhook events: ${webhookEventNames().map((name) => name.replace(/^crm\.webhooks\./, '')).join(', ')}`;

const KINDS: Record<string, { surface: CrmSurface; operation: string }> = {
  'pay-url': { surface: 'psp', operation: 'getPaymentUrl' },
  rates: { surface: 'exchange-rates', operation: 'getExternalRate' },
  'wallet list': { surface: 'external-wallets', operation: 'listExternalWallets' },
  'wallet get': { surface: 'external-wallets', operation: 'getExternalWallet' },
  'wallet credit': { surface: 'external-wallets', operation: 'creditExternalWallet' },
  'wallet debit': { surface: 'external-wallets', operation: 'debitExternalWallet' },
};

export interface TriggerCommandIo {
  out: (line: string) => void;
}

function json(option: string, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${option} must be JSON`);
  }
}

/** The option a secret is given with (`crmPayToken` is --psp-token). */
const optionOf = (name: keyof CrmCallSecrets): string => (name === 'crmPayToken' ? '--psp-token' : `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);

const MAX_SHOWN = 4000;

/** The record as lines: the request (secrets redacted), the answer, the verdict. */
export function triggerText(record: CrmCallRecord): string[] {
  const { request, answer } = record;
  const lines = [`→ ${request.method} ${request.url}`, ...Object.entries(request.headers).map(([name, value]) => `  ${name}: ${value}`)];
  if (request.body !== undefined) lines.push(`  ${request.body.length > MAX_SHOWN ? `${request.body.slice(0, MAX_SHOWN)}…` : request.body}`);
  if (answer) {
    lines.push(`← ${answer.status} in ${record.durationMs} ms${answer.headers['content-type'] ? ` (${answer.headers['content-type']})` : ''}`);
    if (answer.body !== '') lines.push(`  ${answer.body.length > MAX_SHOWN ? `${answer.body.slice(0, MAX_SHOWN)}…` : answer.body}`);
  } else lines.push(`← no answer after ${record.durationMs} ms: ${record.error}${record.errorDetail ? ` (${record.errorDetail})` : ''}`);
  lines.push(record.verdict.ok ? 'PASSED: the answer is one the spec documents for this call.' : 'FAILED: the answer breaks the spec:', ...record.verdict.problems.map((problem) => `  - ${problem}`));
  return lines;
}

export async function triggerCommand(args: string[], io: TriggerCommandIo = { out: (line) => console.log(line) }): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      to: { type: 'string' },
      ...SECRET_FLAGS,
      body: { type: 'string' },
      data: { type: 'string' },
      param: { type: 'string', multiple: true },
      'timeout-ms': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help || positionals.length === 0) {
    io.out(TRIGGER_USAGE);
    return values.help ? 0 : 2;
  }
  const what = positionals.join(' ');
  const kind = KINDS[what] ?? { surface: 'webhooks' as const, operation: what };
  if (!values.to) throw new Error('--to URL is required');
  const toProblem = urlProblem(values.to);
  if (toProblem) throw new Error(`--to ${toProblem}`);
  const timeoutMs = values['timeout-ms'] === undefined ? DEFAULT_CRM_TIMEOUT_MS : Number(values['timeout-ms']);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new Error('--timeout-ms must be a positive integer');
  const params: Record<string, string> = {};
  for (const pair of values.param ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--param ${pair}: must be NAME=VALUE`);
    params[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const data = json('--data', values.data);
  if (data !== undefined && (kind.surface !== 'webhooks' || typeof data !== 'object' || data === null || Array.isArray(data))) throw new Error('--data is a JSON object, for a webhook event');
  let body = json('--body', values.body);
  const secrets: CrmCallSecrets = { webhookSecret: values['webhook-secret'], crmPayToken: values['psp-token'], ratesKey: values['rates-key'], walletsKey: values['wallets-key'] };
  // Every secret given, checked before anything is sent (never echoed): a CR or LF would break the header.
  for (const [name, value] of Object.entries(secrets) as [keyof CrmCallSecrets, string | undefined][]) {
    const problem = value === undefined ? undefined : secretProblem(name, value);
    if (problem) throw new Error(`${optionOf(name)}: ${problem}`);
  }
  let request;
  try {
    if (kind.surface === 'webhooks' && body === undefined && data !== undefined) body = webhookBody(kind.operation, data as Record<string, unknown>);
    request = await buildCrmCall({ surface: kind.surface, operation: kind.operation, baseUrl: values.to, secrets, ...(body === undefined ? {} : { body }), params });
  } catch (error) {
    // Its message names the option (`secrets.webhookSecret` is --webhook-secret) or the unknown event.
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(message.replace(/^secrets\.(\w+)/, (_, name: string) => optionOf(name as keyof CrmCallSecrets)).replace(/^operation: (.*) is not a webhooks call/, '$1 is neither a webhook event nor pay-url, rates or wallet list|get|credit|debit'));
  }
  const record = recordCrmCall(1, request, await sendCrmCall(request, { timeoutMs }));
  // The record redacts secret headers and fields; a secret anywhere else (the URL's query, an echoing answer) too.
  const shown = (text: string) => redactKnownSecrets(text, secrets);
  if (values.json) io.out(shown(JSON.stringify(record, null, 2)));
  else for (const line of triggerText(record)) io.out(shown(line));
  return record.verdict.ok ? 0 : 1;
}
