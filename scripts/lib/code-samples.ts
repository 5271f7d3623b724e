// `x-codeSamples` for every operation, generated from the spec's own examples: a TypeScript call using this
// package and a curl with the headers the call needs. Nothing here is written per operation.
import type { SpecOperation } from './api-spec';
import type { Json } from './openapi-document';

export interface CodeSample {
  lang: string;
  label: string;
  source: string;
}

interface Input {
  params: { path?: Json; query?: Json };
  body?: unknown;
}

const ts = (value: unknown) => JSON.stringify(value, null, 2);
const shell = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

function urlOf(base: string, path: string, input: Input): string {
  const filled = path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(input.params.path?.[name] ?? `{${name}}`)));
  const query = new URLSearchParams(Object.entries(input.params.query ?? {}).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return `${base}${filled}${query ? `?${query}` : ''}`;
}

const CLIENT = "const crm = createCrmClient({ baseUrl: 'https://crm.my-broker.com', apiKey: process.env.CRM_API_KEY! });";

/**
 * A call that moves money or creates something (`x-money-movement`, `x-idempotent: false`) is never re-sent
 * after a lost answer: the client throws CrmAmbiguousOutcomeError, and its sample shows how to settle that
 * (`reconcile`, where the operation has a documented look-up: `x-reconcile-by`) instead of a bare throw.
 */
function ambiguousOutcomeSample(op: SpecOperation, call: string): string {
  const by = op.operation['x-reconcile-by'] as string | undefined;
  const settle = by
    ? [
        `  const { outcome, how } = await reconcile(crm, e); // by \`${by}\`: 'applied' | 'not_applied' | 'already_decided' | 'unknown'`,
        '  // (or createCrmClient({ ..., autoReconcile: true }) settles it before the call returns)',
      ]
    : [`  // The CRM documents no look-up for ${op.id} (reconcile would answer 'unknown'): check it, e.g. in the back office, before sending it again.`];
  return [
    `import { createCrmClient, ${by ? 'reconcile, ' : ''}CrmAmbiguousOutcomeError } from 'crm-open-api';`,
    '',
    CLIENT,
    'try {',
    `  const { data, error, response } = await ${call.replace(/\n/g, '\n  ')};`,
    `  if (error) console.error(\`${op.id} refused, so not applied: \${response.status} \${error.type}\`);`,
    '  else console.log(data);',
    '} catch (e) {',
    '  // Sent, and no definitive answer came back (a reset, a timeout, 429, 5xx): it was NOT re-sent.',
    '  if (!(e instanceof CrmAmbiguousOutcomeError)) throw e;',
    ...settle,
    '}',
  ].join('\n');
}

/** Whether a lost answer to the operation is ambiguous (the client never re-sends it). */
const movesMoneyOrCreates = (op: SpecOperation) => op.operation['x-money-movement'] === true || op.operation['x-idempotent'] === false;

function restSamples(op: SpecOperation, input: Input): CodeSample[] {
  const init: Json = {};
  if (input.params.path || input.params.query) init.params = Object.fromEntries(Object.entries(input.params).filter(([, v]) => v));
  if (input.body !== undefined) init.body = input.body;
  const call = `crm.${op.method}('${op.path}'${Object.keys(init).length ? `, ${ts(init)}` : ''})`;
  const typescript = movesMoneyOrCreates(op)
    ? ambiguousOutcomeSample(op, call)
    : [
        "import { createCrmClient } from 'crm-open-api';",
        '',
        CLIENT,
        `const { data, error, response } = await ${call};`,
        `if (error) throw new Error(\`${op.id} failed: \${response.status} \${error.type}\`);`,
      ].join('\n');
  const url = urlOf('https://crm.my-broker.com', op.path, input);
  const curl =
    input.body === undefined
      ? `curl ${shell(url)} \\\n  -H "key: $CRM_API_KEY"`
      : [
          `BODY=${shell(JSON.stringify(input.body))}`,
          `SIGNATURE="sha256=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$CRM_API_KEY" -r | cut -d' ' -f1)"`,
          `curl -X ${op.method} ${shell(url)} \\`,
          `  -H "key: $CRM_API_KEY" -H "signature: $SIGNATURE" \\`,
          `  -H 'content-type: application/json' --data "$BODY"`,
        ].join('\n');
  return [
    { lang: 'Node.js', label: 'TypeScript (crm-open-api)', source: typescript },
    { lang: 'curl', label: 'curl', source: curl },
  ];
}

const WALLET_OPTIONS =
  'apiKey: process.env.WALLET_API_KEY!,\n  listWallets: async ({ skip, limit, external_user_id }) => db.page(skip, limit, external_user_id),\n  getWallet: async ({ external_user_id, currency }) => db.find(external_user_id, currency),\n  credit: async (t) => db.add(t.external_user_id, t.currency, t.amount, t.order_id), // once per order_id\n  debit: async (t) => db.take(t.external_user_id, t.currency, t.amount, t.order_id), // or \'insufficient_funds\'';

/** Operations the tenant serves (the CRM calls them): a handler from this package, and the call the CRM makes. */
const TENANT_HANDLERS: Record<string, { factory: string; options: string; header: (input: Input) => string }> = {
  getPaymentUrl: {
    factory: 'createPaymentUrlHandler',
    options: "crmPayToken: process.env.CRM_PAY_TOKEN!,\n  getPaymentUrl: async (order) => `https://pay.psp.example/checkout/${order.order_no}`,",
    header: () => `-H "crm-pay-token: $CRM_PAY_TOKEN"`,
  },
  getExternalRate: {
    factory: 'createExchangeRateHandler',
    options: 'apiKey: process.env.RATES_API_KEY!,\n  getRate: async ({ from, to }) => myRates.get(from, to), // a number, or undefined for 404',
    header: () => `-H "key: $RATES_API_KEY"`,
  },
  listExternalWallets: {
    factory: 'createExternalWalletHandler',
    options: WALLET_OPTIONS,
    header: () => `-H "key: $WALLET_API_KEY" -H "signature: $SIGNATURE"  # SHA-1 parameter signature, see pspSign`,
  },
  getExternalWallet: {
    factory: 'createExternalWalletHandler',
    options: WALLET_OPTIONS,
    header: () => `-H "key: $WALLET_API_KEY"`,
  },
  creditExternalWallet: {
    factory: 'createExternalWalletHandler',
    options: WALLET_OPTIONS,
    header: () => `-H "key: $WALLET_API_KEY" -H "signature: $SIGNATURE"  # SHA-1 parameter signature, see pspSign`,
  },
  debitExternalWallet: {
    factory: 'createExternalWalletHandler',
    options: WALLET_OPTIONS,
    header: () => `-H "key: $WALLET_API_KEY" -H "signature: $SIGNATURE"  # SHA-1 parameter signature, see pspSign`,
  },
};

/** Client OAuth: the helper or client method for each operation (the curl authenticates the application with Basic). */
const OAUTH_CALLS: Record<string, (input: Input) => string> = {
  redirectToLogin: () =>
    "const { verifier, challenge } = await createPkcePair();\nconst state = createState(); // keep both for the way back\nconst url = buildLoginUrl({ portalHost: 'portal.my-broker.com', clientId: 'my-app', redirectUri: 'https://app.my-broker.com/cb', codeChallenge: challenge, state });\n// send the browser to url; on the way back:\nconst { code } = parseLoginCallback(callbackUrl, { expectedState: state });",
  logout: () => "const url = buildLogoutUrl({ portalHost: 'portal.my-broker.com', redirectUri: 'https://app.my-broker.com/bye' });",
  exchangeToken: () =>
    "const tokens = await oauth.exchangeCode({ code, codeVerifier: verifier });          // authorization_code\nconst step = await oauth.passwordGrant({ username, password });                    // password: tokens or MFA\nconst fresh = await oauth.refresh(tokens.refresh_token);                          // refresh_token (rotated)",
  revokeRefreshToken: () => 'await oauth.revoke(tokens.refresh_token);',
  verifyMfaCode: () => "const step = await oauth.passwordGrant({ username, password });\nif (step.kind === 'mfa_required') tokens = await step.verify(otpCode);",
  getMfaSecret: () => "if (step.kind === 'mfa_required') secret = await step.getSecret(); // show it as a QR code",
  sendMfaEmailOtp: () => "if (step.kind === 'mfa_required') await step.sendEmailOtp();",
  bindMfaMethod: () => "if (step.kind === 'mfa_required') await step.bind('authenticator', otpCode); // then step.verify(nextCode)",
  requestMfaDeactivation: () => "if (step.kind === 'mfa_required') await step.requestDeactivation();",
  forgotPassword: () => "await oauth.forgotPassword('jane.doe@mail.test');",
};

function oauthSamples(op: SpecOperation, input: Input): CodeSample[] {
  const recipe = OAUTH_CALLS[op.id];
  if (!recipe) throw new Error(`no code sample recipe for client-oauth ${op.id}`);
  const browser = op.id === 'redirectToLogin' || op.id === 'logout';
  const typescript = browser
    ? `import { buildLoginUrl, buildLogoutUrl, createPkcePair, createState, parseLoginCallback } from 'crm-open-api';\n\n${recipe(input)}`
    : `import { createOAuthClient } from 'crm-open-api';\n\n// On a server: every /oauth call needs the client secret.\nconst oauth = createOAuthClient({ apiHost: 'api.portal.my-broker.com', clientId: process.env.OAUTH_CLIENT_ID!, clientSecret: process.env.OAUTH_CLIENT_SECRET! });\n${recipe(input)}`;
  const curl = browser
    ? `# A browser navigation, not an API call:\nopen ${shell(urlOf('https://portal.my-broker.com', op.path, input))}`
    : `curl -X POST https://api.portal.my-broker.com${op.path} -u "$OAUTH_CLIENT_ID:$OAUTH_CLIENT_SECRET" \\\n  -H 'content-type: application/json' --data ${shell(JSON.stringify(input.body))}`;
  return [
    { lang: 'Node.js', label: 'TypeScript (crm-open-api)', source: typescript },
    { lang: 'curl', label: 'curl', source: curl },
  ];
}

function tenantSamples(api: string, op: SpecOperation, input: Input, base: string): CodeSample[] {
  const curlFor = (headers: string) =>
    input.body === undefined
      ? `curl ${shell(urlOf(base, op.path, input))} ${headers}`
      : `curl -X ${op.method} ${shell(urlOf(base, op.path, input))} \\\n  ${headers} \\\n  -H 'content-type: application/json' --data ${shell(JSON.stringify(input.body))}`;
  if (api === 'crm-webhooks') {
    const body = JSON.stringify(input.body);
    const slug = (input.body as { source: { event: string } }).source.event;
    return [
      {
        lang: 'Node.js',
        label: 'TypeScript (crm-open-api)',
        source: `import { createWebhookHandler } from 'crm-open-api';\n\nexport const receive = createWebhookHandler({\n  secret: process.env.CRM_WEBHOOK_SECRET!,\n  on: { '${slug}': async (event) => queue.push(event) },\n}); // (request: Request) => Promise<Response>: 204 once handled (each delivery once), 401 on a bad X-Crm-Signature`,
      },
      {
        lang: 'curl',
        label: 'curl (a delivery as the CRM sends it)',
        source: `BODY=${shell(body)}\nSIG=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$CRM_WEBHOOK_SECRET" -r | cut -d' ' -f1)\ncurl -X POST https://webhooks.my-broker.com/crm -H "X-Crm-Signature: sha256=$SIG" \\\n  -H 'content-type: application/json' --data "$BODY"`,
      },
    ];
  }
  if (op.id === 'reportPaymentResult') {
    const { sign: _sign, ...report } = input.body as Json;
    return [
      {
        lang: 'Node.js',
        label: 'TypeScript (crm-open-api)',
        source: `import { createPspCallbackClient } from 'crm-open-api';\n\nconst crm = createPspCallbackClient({ callbackUrl: process.env.CRM_CALLBACK_URL!, crmPayToken: process.env.CRM_PAY_TOKEN! });\nconst { outcome } = await crm.reportPayment(${ts(report)}); // 'recorded' | 'already_final'\n// A lost answer is re-sent: the CRM refuses a second final status for the order, so a repeat cannot apply twice.\n// Other refusals throw CrmApiError (\`type\`, e.g. 'psp_token_invalid').`,
      },
      { lang: 'curl', label: 'curl', source: curlFor(`-H "crm-pay-token: $CRM_PAY_TOKEN"`) },
    ];
  }
  const handler = TENANT_HANDLERS[op.id];
  if (!handler) throw new Error(`no code sample recipe for ${api} ${op.id}`);
  return [
    {
      lang: 'TypeScript',
      label: 'crm-open-api',
      source: `import { ${handler.factory} } from 'crm-open-api';\n\n// (request: Request) => Promise<Response>: mount it in Node http, Bun, Deno or a worker.\nexport const handle = ${handler.factory}({\n  ${handler.options}\n});`,
    },
    { lang: 'curl', label: 'curl (the call the CRM makes)', source: curlFor(handler.header(input)) },
  ];
}

export function codeSamples(api: string, op: SpecOperation, input: Input, serverUrl: string): CodeSample[] {
  if (api === 'crm-rest') return restSamples(op, input);
  if (api === 'client-oauth') return oauthSamples(op, input);
  return tenantSamples(api, op, input, serverUrl);
}
