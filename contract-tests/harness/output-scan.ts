// Everything the SDK hands back to its caller during a test file (thrown errors, results, log lines) is kept
// here, and at the end of the file scanned for every secret it was given: API keys, signing secrets and the
// values of password fields in request bodies. Registered for every file by jest's setupFilesAfterEnv.
import { inspect } from 'node:util';
import { createCrmClient, type CrmClient, type CrmClientOptions } from '../../src/rest/client';
import type { CrmLogDetails, CrmLogger } from '../../src/core/logger';

const outputs: { what: string; value: unknown }[] = [];
const secrets = new Set<string>();

/** Secrets a test used some other way (e.g. a webhook or PSP secret). */
export function registerSecret(secret: string): void {
  if (secret.length >= 4) secrets.add(secret);
}

export function recordOutput(what: string, value: unknown): void {
  outputs.push({ what, value });
}

function collectPasswords(value: unknown, depth = 0): void {
  if (depth > 10 || value === null || typeof value !== 'object') return;
  for (const [name, field] of Object.entries(value)) {
    if (/password/i.test(name) && typeof field === 'string') registerSecret(field);
    else collectPasswords(field, depth + 1);
  }
}

/** A logger that keeps every line for the scan; pass your own `sink` to see them too. */
export function recordingLogger(sink?: (level: string, message: string, details: CrmLogDetails) => void): Required<CrmLogger> {
  const at = (level: string) => (message: string, details: CrmLogDetails) => {
    recordOutput(`log.${level}`, { message, details });
    sink?.(level, message, details);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** createCrmClient, with its secrets registered and every call's result or error recorded for the scan. */
export function observedClient(options: CrmClientOptions): CrmClient {
  if (options.apiKey) registerSecret(options.apiKey);
  if (options.signingSecret) registerSecret(options.signingSecret);
  const client = createCrmClient({ logger: recordingLogger(), ...options });
  return new Proxy(client, {
    get(target, property, receiver) {
      const member = Reflect.get(target, property, receiver);
      if (typeof member !== 'function' || property === 'use' || property === 'eject') return member;
      return (...args: unknown[]) => {
        for (const arg of args) collectPasswords(arg);
        const call = (member as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        return call.then(
          (result) => {
            // `data` is what the CRM answered (a created account's passwords are the point of that call), so
            // it is the caller's; everything the SDK adds around it is scanned.
            const { data: _answered, ...around } = result as { data?: unknown };
            recordOutput(`${String(property)} result`, around);
            return result;
          },
          (error: unknown) => {
            recordOutput(`${String(property)} error`, error);
            throw error;
          },
        );
      };
    },
  });
}

/** Forgets what was recorded (for the scan's own test, which plants a leak on purpose). */
export function forgetOutputs(): void {
  outputs.length = 0;
}

/** Every way an output may be turned into text. */
function renderings(value: unknown): string[] {
  const out = [inspect(value, { depth: 12, showHidden: false, getters: false })];
  try {
    out.push(JSON.stringify(value) ?? '');
  } catch {
    // Not serialisable (e.g. a Response): inspect covers it.
  }
  out.push(String(value));
  if (value instanceof Error) out.push(value.message, value.stack ?? '');
  return out;
}

export function scanOutputs(): { scanned: number; leaks: string[] } {
  const leaks: string[] = [];
  for (const { what, value } of outputs) {
    const text = renderings(value).join('\n');
    for (const secret of secrets) if (text.includes(secret)) leaks.push(`${what} contains a secret (${secret.length} chars)`);
  }
  return { scanned: outputs.length, leaks };
}
