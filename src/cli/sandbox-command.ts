// `crm-open-api sandbox`: the sandbox CRM in the foreground until SIGINT or SIGTERM.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SANDBOX_MFA_OTP, SANDBOX_OAUTH_CLIENT } from '../testing/sandbox/oauth/client-oauth';
import { startSandboxCrm } from '../testing/sandbox/server';
import { bannerText } from './banner';
import { SECRET_FLAGS } from './secret-flags';

export const SANDBOX_USAGE = `Usage: crm-open-api sandbox [options]

  --port N                 port (default 4010; 0 picks a free one)
  --host H                 address to bind (default 127.0.0.1; the control API answers its owner only: README)
  --api-key K              the API key it accepts (default demo-api-key)
  --signing-secret S       key of the body signature, when it is not the API key
  --signature-version V    the signature scheme checked: v2 (default) or v1
  --webhook-url URL        deliver webhooks there ...
  --webhook-secret W       ... signed with this secret (X-Crm-Signature)
  --psp-url URL            your PSP integration: POST /__sandbox/psp/deposits calls its /pay/url ...
  --psp-token T            ... with this crm-pay-token (and sign); its callback goes to <url>/api/psp/pay/callback
  --rates-url URL          your exchange-rate API, asked for a deposit in another currency and on POST /__sandbox/rates/ask ...
  --rates-key K            ... with this key
  --wallets-url URL        your External Wallets service: POST /__sandbox/external-wallets/sync and /transfer ...
  --wallets-key K          ... with this API key (key header and signature)
  --seed N                 seed of the id generator (default 1)
  --fixture FILE           a JSON fixture loaded on top of the spec's examples
  --empty                  start without the spec's example data
  --max-body-bytes N       largest request body read (default 1048576); larger ones get 413`;

export async function sandboxCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      'api-key': { type: 'string', default: 'demo-api-key' },
      'signing-secret': { type: 'string' },
      'signature-version': { type: 'string', default: 'v2' },
      'webhook-url': { type: 'string' },
      'psp-url': { type: 'string' },
      'rates-url': { type: 'string' },
      'wallets-url': { type: 'string' },
      ...SECRET_FLAGS,
      seed: { type: 'string', default: '1' },
      fixture: { type: 'string' },
      empty: { type: 'boolean', default: false },
      'max-body-bytes': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(SANDBOX_USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be a port number');
  for (const [url, secret] of [['webhook-url', 'webhook-secret'], ['psp-url', 'psp-token'], ['rates-url', 'rates-key'], ['wallets-url', 'wallets-key']] as const) {
    if (Boolean(values[url]) !== Boolean(values[secret])) throw new Error(`--${url} and --${secret} go together`);
    if (values[url] && !/^https?:\/\/[^\s]+$/.test(values[url])) throw new Error(`--${url} must be an http(s) URL`);
  }
  const maxBodyBytes = values['max-body-bytes'] === undefined ? undefined : Number(values['max-body-bytes']);
  if (maxBodyBytes !== undefined && (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 0)) throw new Error('--max-body-bytes must be a non-negative integer');
  const apiKey = values['api-key'] as string;
  const signatureVersion = values['signature-version'];
  if (signatureVersion !== 'v1' && signatureVersion !== 'v2') throw new Error('--signature-version must be v1 or v2');
  const sandbox = await startSandboxCrm({
    apiKey,
    signingSecret: values['signing-secret'],
    signatureVersion,
    host: values.host,
    port,
    seed: Number(values.seed),
    empty: values.empty,
    maxBodyBytes,
    ...(values.fixture ? { fixture: JSON.parse(readFileSync(values.fixture, 'utf8')) } : {}),
    ...(values['webhook-url'] ? { webhook: { url: values['webhook-url'], secret: values['webhook-secret'] as string } } : {}),
    ...(values['psp-url'] ? { psp: { url: values['psp-url'], crmPayToken: values['psp-token'] as string } } : {}),
    ...(values['rates-url'] ? { rates: { url: values['rates-url'], apiKey: values['rates-key'] as string } } : {}),
    ...(values['wallets-url'] ? { wallets: { url: values['wallets-url'], apiKey: values['wallets-key'] as string } } : {}),
  });
  // Listening for the signals before the banner: whoever reads it may stop us at once.
  const stopped = untilSignal();
  console.log(
    await bannerText({
      title: 'Sandbox CRM (stateful: balances, repeats, webhooks, faults)',
      url: sandbox.url,
      apiKey,
      signingSecret: values['signing-secret'],
      signatureVersion,
      more: [
        `Control API (this machine only; a body as application/json): ${sandbox.url}/__sandbox/state, /__sandbox/deliveries; POST /__sandbox/reset, /seed, /clock, /faults, /withdrawal-requests, /kyc-decisions`,
        `Client OAuth: client id ${SANDBOX_OAUTH_CLIENT.clientId}, secret ${SANDBOX_OAUTH_CLIENT.clientSecret}, sign-in page /login, MFA code ${SANDBOX_MFA_OTP} (README: "Sign your clients in")`,
        values['webhook-url'] ? `Webhooks go to ${values['webhook-url']} (any event on demand: POST /__sandbox/webhooks {event, data?})` : 'No webhook URL: events are not delivered (--webhook-url, --webhook-secret).',
        ...outwardLines(values, sandbox.pspCallbackUrl),
      ],
    }),
  );
  await stopped;
  await sandbox.stop();
}

/** The banner's lines about the tenant's servers the sandbox calls (every call recorded: GET /__sandbox/calls). */
function outwardLines(values: Record<string, unknown>, callbackUrl: string): string[] {
  const lines: string[] = [];
  if (values['psp-url']) lines.push(`PSP: POST /__sandbox/psp/deposits calls ${values['psp-url']}/pay/url; CRM_Callback_URL for your integration: ${callbackUrl}`);
  if (values['rates-url']) lines.push(`Exchange rates asked from ${values['rates-url']} (POST /__sandbox/rates/ask)`);
  if (values['wallets-url']) lines.push(`External wallets at ${values['wallets-url']} (POST /__sandbox/external-wallets/sync, /transfer)`);
  if (lines.length) lines.push('Every call to your servers, with its verdict against the spec: GET /__sandbox/calls');
  return lines;
}

/** Resolves on the first SIGINT or SIGTERM. */
export const untilSignal = (): Promise<void> =>
  new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
