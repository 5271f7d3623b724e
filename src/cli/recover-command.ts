// `crm-open-api recover`: settles what a crash left open in a file journal, as recoverJournal does at start-up.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileJournal } from '../node/file-journal';
import { createCrmClient } from '../rest/client';
import { recoverJournal } from '../rest/journal/recover-journal';

export const RECOVER_USAGE = `Usage: crm-open-api recover --journal FILE --base-url URL --api-key K [options]

  Settles every intent left open in a file journal (fileJournal, crm-open-api/node) that no running process
  holds: a deposit still inside its repeat window is re-sent with the same comment, the others are looked up;
  each outcome is recorded in the journal. Prints one line per intent: applied, not_applied, already_decided
  or unknown, with the evidence. Exit status 0 when none stays unknown, 1 when some do.
  CRM_BASE_URL, CRM_API_KEY and CRM_SIGNING_SECRET work too.

  --journal FILE           the journal file
  --signing-secret S       key of the body signature, when it is not the API key
  --signature-version V    v2 (default) or v1
  --timeout-ms N           per attempt (default 30000)
  --safety-margin-ms N     kept back from a deposit's repeat window (default 30000)
  --compact                afterwards, rewrite the file without its settled intents
  --json                   one JSON object per line`;

const integer = (value: string | undefined, name: string): number | undefined => {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new Error(`--${name} must be a non-negative integer`);
  return number;
};

/** Prints one line per intent to `out`; resolves to the exit status. */
export async function recoverCommand(args: string[], out: (line: string) => void = console.log): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      journal: { type: 'string' },
      'base-url': { type: 'string' },
      'api-key': { type: 'string' },
      'signing-secret': { type: 'string' },
      'signature-version': { type: 'string', default: 'v2' },
      'timeout-ms': { type: 'string' },
      'safety-margin-ms': { type: 'string' },
      compact: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    out(RECOVER_USAGE);
    return 0;
  }
  const baseUrl = values['base-url'] ?? process.env.CRM_BASE_URL;
  const apiKey = values['api-key'] ?? process.env.CRM_API_KEY;
  if (!values.journal || !baseUrl || !apiKey) throw new Error(`--journal, --base-url and --api-key are required\n\n${RECOVER_USAGE}`);
  if (!existsSync(values.journal)) throw new Error(`no journal at ${values.journal}`);
  const signatureVersion = values['signature-version'];
  if (signatureVersion !== 'v1' && signatureVersion !== 'v2') throw new Error('--signature-version must be v1 or v2');
  const signingSecret = values['signing-secret'] ?? process.env.CRM_SIGNING_SECRET;
  const timeoutMs = integer(values['timeout-ms'], 'timeout-ms');
  const safetyMarginMs = integer(values['safety-margin-ms'], 'safety-margin-ms');
  const journal = fileJournal(values.journal, { compactEvery: 0 });
  try {
    const crm = createCrmClient({ baseUrl, apiKey, signatureVersion, ...(signingSecret ? { signingSecret } : {}), ...(timeoutMs === undefined ? {} : { timeoutMs }) });
    const lines = await recoverJournal(crm, journal, safetyMarginMs === undefined ? {} : { safetyMarginMs });
    for (const line of lines) {
      if (values.json) out(JSON.stringify(line));
      else out(`${line.outcome.padEnd(15)} ${line.operationId} ${line.reconcile ? `${line.reconcile.field}=${JSON.stringify(line.reconcile.value)} ` : ''}(${line.how}) intent ${line.id} ${JSON.stringify(line.evidence)}`);
    }
    const open = (await journal.entries()).filter((entry) => !entry.settlement).length;
    const unknown = lines.filter((line) => line.outcome === 'unknown').length;
    if (!values.json) out(`${lines.length} intent(s) settled here, ${unknown} unknown; ${open} still open in ${values.journal}`);
    if (values.compact) await journal.compact();
    return unknown === 0 ? 0 : 1;
  } finally {
    await journal.close();
  }
}
