// `crm-open-api doctor`: checks a CRM connection without side effects and says which signature scheme it checks.
import { parseArgs } from 'node:util';
import { detectSignatureVersion } from '../rest/detect-signature-version';

export const DOCTOR_USAGE = `Usage: crm-open-api doctor --base-url URL --api-key K [--signing-secret S]

  Finds out, with one read-only call signed each way, whether your CRM checks signature v1 or V2.
  Exit status 0 when decided, 1 when not. CRM_BASE_URL, CRM_API_KEY and CRM_SIGNING_SECRET work too.`;

/** Prints the verdict to `out`; resolves to the exit status. */
export async function doctorCommand(args: string[], out: (line: string) => void = console.log): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { 'base-url': { type: 'string' }, 'api-key': { type: 'string' }, 'signing-secret': { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    strict: true,
  });
  if (values.help) {
    out(DOCTOR_USAGE);
    return 0;
  }
  const baseUrl = values['base-url'] ?? process.env.CRM_BASE_URL;
  const apiKey = values['api-key'] ?? process.env.CRM_API_KEY;
  if (!baseUrl || !apiKey) throw new Error(`--base-url and --api-key are required\n\n${DOCTOR_USAGE}`);
  const signingSecret = values['signing-secret'] ?? process.env.CRM_SIGNING_SECRET;
  const found = await detectSignatureVersion({ baseUrl, apiKey, ...(signingSecret ? { signingSecret } : {}) });
  const seen = (version: 'v1' | 'v2') => {
    const p = found.observed[version];
    return p.status === undefined ? `no answer (${p.error})` : `${p.status}${p.type ? ` ${p.type}` : ''}`;
  };
  out(`CRM at ${baseUrl}`);
  out(`  signed with v1: ${seen('v1')}`);
  out(`  signed with V2: ${seen('v2')}`);
  out(found.decided ? `Signature scheme: ${found.version} (${found.reason}). Use createCrmClient({ ..., signatureVersion: '${found.version}' }).` : `Undecided: ${found.reason}.`);
  return found.decided ? 0 : 1;
}
