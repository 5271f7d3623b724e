// npm start (after `npm run build` and `npm run docs`): the mock CRM on 127.0.0.1:4010 (or $PORT) and the
// rendered docs on the next port, with what a newcomer needs to call the mock at once: the base URL, a demo
// key and a ready-to-paste signed curl for Create Lead.
import { createHmac } from 'node:crypto';
import { DOCS } from './docs';
import { serveStatic } from './lib/static-server';
import { startMockCrm } from '../src/testing/index';

const DEMO_API_KEY = 'demo-api-key';
const port = Number(process.env.PORT ?? 4010);
const host = '127.0.0.1';

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

async function main(): Promise<void> {
  const mock = await startMockCrm({ apiKey: DEMO_API_KEY, host, port });
  const docs = await serveStatic(DOCS, port + 1, host);
  const body = JSON.stringify({ email: 'lee.prospect@mail.test', name: 'Lee Prospect' });
  const signature = 'sha256=' + createHmac('sha256', DEMO_API_KEY).update(body).digest('hex');
  console.log(`
Mock CRM listening on ${mock.url}  (Prism answering from generated/crm-rest.openapi.json)
  base URL : ${mock.url}
  API key  : ${DEMO_API_KEY}   (also the signing secret, as on the CRM)

Create a lead (signed; expect 201):
  curl -i -X POST ${mock.url}/public/v1/leads \\
    -H 'content-type: application/json' \\
    -H 'key: ${DEMO_API_KEY}' \\
    -H 'signature: ${signature}' \\
    --data ${shellQuote(body)}

Change one byte of --data and the same curl answers 403 {"type":"invalid_signature"}.
From TypeScript:
  createCrmClient({ baseUrl: '${mock.url}', apiKey: '${DEMO_API_KEY}' })

Docs (every API, with TypeScript and curl samples): ${docs.url}/
Press Ctrl+C to stop.`);
  const stop = () => Promise.all([mock.stop(), docs.close()]).then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
