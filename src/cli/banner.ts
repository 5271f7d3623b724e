// What a newcomer sees when a local CRM starts: where it is, the key, and a signed curl to paste at once.
import { createHmac } from 'node:crypto';

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

export interface BannerInput {
  /** What is answering, e.g. "Sandbox CRM (stateful)". */
  title: string;
  url: string;
  apiKey: string;
  signingSecret?: string;
  /** Lines added after the curl (control API, docs, ...). */
  more?: string[];
}

export function startBanner({ title, url, apiKey, signingSecret, more = [] }: BannerInput): string {
  const body = JSON.stringify({ email: 'lee.prospect@mail.test', name: 'Lee Prospect' });
  const signature = 'sha256=' + createHmac('sha256', signingSecret || apiKey).update(body).digest('hex');
  return `
${title} listening on ${url}
  base URL : ${url}
  API key  : ${apiKey}   ${signingSecret ? '(signing secret set separately)' : '(also the signing secret, as on the CRM)'}

Create a lead (signed; expect 201):
  curl -i -X POST ${url}/public/v1/leads \\
    -H 'content-type: application/json' \\
    -H 'key: ${apiKey}' \\
    -H 'signature: ${signature}' \\
    --data ${shellQuote(body)}

Change one byte of --data and the same curl answers 403 {"type":"invalid_signature"}.
From TypeScript:
  createCrmClient({ baseUrl: '${url}', apiKey: '${apiKey}' })
${more.join('\n')}
Press Ctrl+C to stop.`;
}
