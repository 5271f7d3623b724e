// The CRM's side of one call to a tenant's server (webhooks, PSP /pay/url, exchange rates, external wallets):
// built and signed as the spec says, sent as the CRM sends it, judged against the documented answers. Used by
// the sandbox (its outward calls), `crm-open-api trigger` and `crm-open-api check`. The interface is in types.ts.
export { buildCrmCall, webhookBody, SECRET_OF } from './build-call';
export { sendCrmCall, DEFAULT_CRM_TIMEOUT_MS, DEFAULT_MAX_ANSWER_BYTES } from './send-call';
export { judgeAnswer, judgeOutcome } from './judge';
export { urlProblem, secretProblem, redactKnownSecrets } from './inputs';
export { recordCrmCall, redactCrmCall } from './record';
export { resolveOperation, surfaceOperations, webhookEventNames, eventName } from './surfaces';
export type { SurfaceOperation, ResolvedOperation } from './surfaces';
export * from './types';
