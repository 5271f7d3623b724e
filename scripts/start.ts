// npm start (after `npm run build` and `npm run docs`): the sandbox CRM on 127.0.0.1:4010 (or $PORT) and the
// rendered docs on the next port, with what a newcomer needs to call it at once: the base URL, a demo key and
// a ready-to-paste signed curl for Create Lead. `--mock` (npm run start:mock) serves the static Prism mock.
import { startBanner } from '../src/cli/banner';
import type { SignatureVersion } from '../src/rest/request-signing';
import { untilSignal } from '../src/cli/sandbox-command';
import { SANDBOX_MFA_OTP, SANDBOX_OAUTH_CLIENT, startMockCrm, startSandboxCrm } from '../src/testing/index';
import { DOCS } from './docs';
import { serveStatic } from './lib/static-server';

const DEMO_API_KEY = 'demo-api-key';
const port = Number(process.env.PORT ?? 4010);
const host = '127.0.0.1';
const mockOnly = process.argv.includes('--mock');
// `npm start -- --signature-version v1` or CRM_SIGNATURE_VERSION=v1: the scheme the local CRM checks.
const flagAt = process.argv.indexOf('--signature-version');
const requested = (flagAt > 0 ? process.argv[flagAt + 1] : process.env.CRM_SIGNATURE_VERSION) ?? 'v2';
if (requested !== 'v1' && requested !== 'v2') throw new Error('--signature-version (or CRM_SIGNATURE_VERSION) must be v1 or v2');
const signatureVersion: SignatureVersion = requested;

async function main(): Promise<void> {
  const crm = mockOnly ? await startMockCrm({ apiKey: DEMO_API_KEY, host, port, signatureVersion }) : await startSandboxCrm({ apiKey: DEMO_API_KEY, host, port, signatureVersion });
  const docs = await serveStatic(DOCS, port + 1, host);
  const stopped = untilSignal();
  console.log(
    await startBanner({
      title: mockOnly ? 'Mock CRM (Prism answering from generated/crm-rest.openapi.json)' : 'Sandbox CRM (stateful: balances, repeats, webhooks, faults)',
      url: crm.url,
      apiKey: DEMO_API_KEY,
      signatureVersion,
      more: [
        ...(mockOnly ? ['The static mock answers the same examples forever; `npm start` serves the stateful sandbox.'] : [`Sandbox state: ${crm.url}/__sandbox/state   (README: "Test your integration"; npm run start:mock for the static mock)`]),
        ...(mockOnly ? [] : [`Client OAuth: client id ${SANDBOX_OAUTH_CLIENT.clientId}, secret ${SANDBOX_OAUTH_CLIENT.clientSecret}, sign-in page ${crm.url}/login, MFA code ${SANDBOX_MFA_OTP}`]),
        `Docs (every API, with TypeScript and curl samples): ${docs.url}/`,
      ],
    }),
  );
  await stopped;
  await Promise.all([crm.stop(), docs.close()]);
  process.exit(0);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
