// Which signature scheme does my CRM check? One read-only call signed each way (the downlines of an e-mail
// that cannot exist), compared: the scheme the CRM refuses with 403 `invalid_signature` is not the one it
// checks. Never a call that could create or move anything.
import { createCrmClient, type CrmClientOptions } from './client';
import type { SignatureVersion } from './request-signing';

export interface SignatureProbe {
  /** The HTTP status, or undefined when no answer came (`error` says why). */
  status?: number;
  /** The error body's `type`, when there was one. */
  type?: string;
  error?: string;
}

export interface SignatureDetection {
  /** The scheme the CRM checks, when the probes decided it. */
  version?: SignatureVersion;
  decided: boolean;
  /** Why, in a sentence (what was seen when undecided). */
  reason: string;
  observed: Record<SignatureVersion, SignatureProbe>;
}

/** An address in the `.invalid` top-level domain: no client can have it (RFC 2606). */
const PROBE_EMAIL = 'signature-probe@crm-open-api.invalid';

async function probe(options: DetectOptions, version: SignatureVersion): Promise<SignatureProbe> {
  const crm = createCrmClient({ ...options, signatureVersion: version, maxRetries: 1 });
  try {
    const { response, error } = await crm.POST('/public/v1/users/downlines', { body: { email: PROBE_EMAIL } });
    const type = (error as { type?: unknown } | undefined)?.type;
    return { status: response.status, ...(typeof type === 'string' ? { type } : {}) };
  } catch (failure) {
    return { error: failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure) };
  }
}

export type DetectOptions = Pick<CrmClientOptions, 'baseUrl' | 'apiKey' | 'signingSecret' | 'fetch' | 'timeoutMs' | 'headers'>;

/**
 * Finds out whether the CRM at `baseUrl` checks signature v1 or V2, without side effects: 403
 * `invalid_signature` under one scheme and any other answer under the other decides it; anything else is
 * reported undecided, with what was seen.
 */
export async function detectSignatureVersion(options: DetectOptions): Promise<SignatureDetection> {
  const observed = { v1: await probe(options, 'v1'), v2: await probe(options, 'v2') };
  const refused = (p: SignatureProbe) => p.status === 403 && p.type === 'invalid_signature';
  const answered = (p: SignatureProbe) => p.status !== undefined && !(p.status === 403 && (p.type === 'invalid_signature' || p.type === 'invalid_api_key'));
  if (refused(observed.v1) && answered(observed.v2)) return { version: 'v2', decided: true, reason: 'the CRM refused the v1 signature and accepted V2', observed };
  if (refused(observed.v2) && answered(observed.v1)) return { version: 'v1', decided: true, reason: 'the CRM refused the V2 signature and accepted v1', observed };
  const reason =
    observed.v1.type === 'invalid_api_key' || observed.v2.type === 'invalid_api_key' ? 'the CRM refused the API key (403 invalid_api_key): check `apiKey`'
    : refused(observed.v1) && refused(observed.v2) ? 'the CRM refused both signatures: check `signingSecret` (it defaults to the API key)'
    : answered(observed.v1) && answered(observed.v2) ? 'the CRM accepted both signatures (it may check neither)'
    : 'no decisive answer (see observed)';
  return { decided: false, reason, observed };
}
