// What a newcomer sees when a local CRM starts: where it is, the key, and a signed curl to paste at once.
import type { SignatureVersion } from '../rest/request-signing';
import { sha1ParamsSignature } from '../core/signatures/sha1-params';
import { signPayload } from '../core/signatures/hmac-sha256';

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

export interface BannerInput {
  /** What is answering, e.g. "Sandbox CRM (stateful)". */
  title: string;
  url: string;
  apiKey: string;
  signingSecret?: string;
  /** The signature scheme the server checks (default v2); the curl is signed with it. */
  signatureVersion?: SignatureVersion;
  /** Lines added after the curl (control API, docs, ...). */
  more?: string[];
}

export async function startBanner({ title, url, apiKey, signingSecret, signatureVersion = 'v2', more = [] }: BannerInput): Promise<string> {
  const lead = { email: 'lee.prospect@mail.test', name: 'Lee Prospect' };
  const body = JSON.stringify(lead);
  const secret = signingSecret || apiKey;
  const signature = signatureVersion === 'v1' ? await sha1ParamsSignature(lead, secret) : await signPayload(body, secret);
  const scheme = signatureVersion === 'v1' ? 'v1 (SHA-1 of the sorted k=v fields + key; --signature-version v2 for V2)' : 'V2 (sha256= HMAC of the body bytes; --signature-version v1 for the older v1)';
  return `
${title} listening on ${url}
  base URL : ${url}
  API key  : ${apiKey}   ${signingSecret ? '(signing secret set separately)' : '(also the signing secret, as on the CRM)'}
  signature: ${scheme}

Create a lead (signed; expect 201):
  curl -i -X POST ${url}/public/v1/leads \\
    -H 'content-type: application/json' \\
    -H 'key: ${apiKey}' \\
    -H 'signature: ${signature}' \\
    --data ${shellQuote(body)}

Change one byte of --data and the same curl answers 403 {"type":"invalid_signature"}.
From TypeScript:
  createCrmClient({ baseUrl: '${url}', apiKey: '${apiKey}'${signatureVersion === 'v1' ? ", signatureVersion: 'v1'" : ''} })
${more.join('\n')}
Press Ctrl+C to stop.`;
}
