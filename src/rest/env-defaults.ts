// Environment defaults, as openai-node reads OPENAI_API_KEY: where there is a `process.env` (Node, Bun, Deno's
// Node compatibility), an option left out is read from CRM_BASE_URL, CRM_API_KEY, CRM_SIGNING_SECRET and
// CRM_SIGNATURE_VERSION. Browsers and workers have no `process`: nothing is read there; under Deno a
// variable the program may not read counts as unset (reading it would prompt or throw). Read through
// globalThis so that the package's types need no @types/node.
import type { CrmClientOptions } from './types';

const ENV_NAMES = { baseUrl: 'CRM_BASE_URL', apiKey: 'CRM_API_KEY', signingSecret: 'CRM_SIGNING_SECRET', signatureVersion: 'CRM_SIGNATURE_VERSION' } as const;

type DenoPermissions = { permissions?: { querySync?(descriptor: { name: 'env'; variable: string }): { state: string } } };

/**
 * One variable, or undefined where reading it is not granted: Deno asks the user (or, with --no-prompt, throws
 * NotCapable) when a program reads a variable it was not allowed, so there only a granted one is read.
 */
function readVariable(env: Record<string, string | undefined>, name: string): string | undefined {
  try {
    const { Deno } = globalThis as { Deno?: DenoPermissions };
    if (Deno && Deno.permissions?.querySync?.({ name: 'env', variable: name }).state !== 'granted') return undefined;
    return env[name];
  } catch {
    return undefined;
  }
}

/** The options with what was left out (undefined) taken from the environment, when there is one. */
export function withEnvDefaults(options: Partial<CrmClientOptions>): Partial<CrmClientOptions> {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  if (typeof env !== 'object') return options;
  const filled: Record<string, unknown> = { ...options };
  for (const [option, name] of Object.entries(ENV_NAMES)) {
    const value = readVariable(env, name);
    if (filled[option] === undefined && typeof value === 'string' && value !== '') filled[option] = value;
  }
  return filled as Partial<CrmClientOptions>;
}

/** Named in the TypeError of a missing option, so the reader learns both ways to give it. */
export const envNameOf = (option: 'baseUrl' | 'apiKey'): string => ENV_NAMES[option];
