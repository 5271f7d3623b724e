// The package's public surface: re-exports only.
export { createCrmClient } from './client';
export type { CrmClient, CrmClientOptions, CrmPaths, CrmComponents, CrmOperations } from './client';
export type { SignatureVersion } from './request-signing';
export { detectSignatureVersion } from './detect-signature-version';
export type { SignatureDetection, SignatureProbe, DetectOptions } from './detect-signature-version';
export { signPayload, verifySignature } from './signature';
export { CrmError, CrmValidationError, CrmConnectionError, CrmTimeoutError, CrmRedirectError, CrmUnreadableResponseError, CrmAmbiguousOutcomeError, CrmNotAppliedError, CrmApiError } from './errors';
export type { Reconciliation, SentRequest } from './errors';
export { reconcile } from './reconcile/reconcile';
export type { ReconcileOptions } from './reconcile/reconcile';
export { unwrap } from './api-error';
export { paginate } from './paginate';
export type { PagedPath, PaginateInit, PaginateOptions, PaginatedRecord } from './paginate';
export type { CrmLogger, CrmLogDetails } from './logger';
export type { BackoffOptions } from './transport/backoff';
// The tenant's side: what the CRM calls, and the PSP callback the tenant makes.
export { verifyWebhook, createWebhookHandler, webhookDeliveryKey, WebhookVerificationError } from './webhooks';
export type { CrmWebhookEvent, CrmWebhookEventName, WebhookEventOf, WebhookHandlers, WebhookHandlerOptions, VerifyWebhookInput } from './webhooks';
export { pspSign, pspVerify } from './psp/sign';
export { createPaymentUrlHandler } from './psp/payment-url-handler';
export type { PaymentUrlHandlerOptions, PaymentUrlRequest, PaymentUrlResponse } from './psp/payment-url-handler';
export { createPspCallbackClient } from './psp/callback-client';
export type { PaymentCallback, PaymentReport, PspCallbackClientOptions } from './psp/callback-client';
export { createExchangeRateHandler } from './exchange-rates';
export type { ExchangeRate, ExchangeRateHandlerOptions } from './exchange-rates';
export { createExternalWalletHandler } from './external-wallets';
export type { ExternalWallet, ExternalWalletHandlerOptions, ExternalWalletListRequest, ExternalWalletTransfer, ExternalWalletTransferResult } from './external-wallets';
// What every receiver shares: de-duplication, failure reports, and mounting in Node's http / Express / Fastify.
export { memoryDedupeStore } from './handlers/dedupe';
export type { DedupeStore, ClaimResult, MemoryDedupeOptions } from './handlers/dedupe';
export type { ReceiverErrorContext, ReceiverErrorReporter } from './handlers/report';
export { toNodeHandler } from './node-handler';
export type { FetchHandler, NodeHandlerOptions } from './node-handler';
// Client OAuth: sign a broker's clients in (PKCE, iframe, password grant with MFA), keep their tokens fresh.
export * from './oauth/index';
