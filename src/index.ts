// The package's public surface: re-exports only.
export { createCrmClient } from './rest/client';
export type { CrmClient, CrmClientOptions, CrmPaths, CrmComponents, CrmOperations } from './rest/client';
export type { SignatureVersion } from './rest/types';
export { detectSignatureVersion } from './rest/detect-signature-version';
export type { SignatureDetection, SignatureProbe, DetectOptions } from './rest/detect-signature-version';
export { signPayload, verifySignature } from './core/signatures/hmac-sha256';
export { CrmError, CrmValidationError, CrmConnectionError, CrmTimeoutError, CrmRedirectError, CrmUnreadableResponseError, CrmAmbiguousOutcomeError, CrmNotAppliedError, CrmJournalError, CrmApiError } from './core/errors';
export type { Reconciliation, SentRequest } from './core/errors';
export { reconcile } from './rest/reconcile/reconcile';
export type { ReconcileOptions } from './rest/reconcile/reconcile';
// The intent journal: money calls written down before they are sent, and settled after a crash.
export { memoryJournal } from './rest/journal/memory-journal';
export type { MemoryJournalOptions } from './rest/journal/memory-journal';
export { recoverJournal } from './rest/journal/recover-journal';
export type { RecoverJournalOptions, RecoveredIntent } from './rest/journal/recover-journal';
export type { Journal, JournalIntent, JournalEntry, JournalSettlement, JournalOutcome } from './rest/journal/types';
export { unwrap } from './http/throw-on-error';
export { paginate } from './rest/paginate';
export type { PagedPath, PaginateInit, PaginateOptions, PaginatedRecord } from './rest/paginate';
export { formatLogLine, lineLogger } from './core/logger';
export type { CrmLogger, CrmLogDetails } from './core/logger';
export type { BackoffOptions } from './http/transport/backoff';
// The tenant's side: what the CRM calls, and the PSP callback the tenant makes.
export { verifyWebhook, createWebhookHandler, webhookDeliveryKey } from './receivers/webhooks';
export { WebhookVerificationError } from './core/errors';
export type { CrmWebhookEvent, CrmWebhookEventName, WebhookEventOf, WebhookHandlers, WebhookHandlerOptions, VerifyWebhookInput } from './receivers/webhooks';
export { pspSign, pspVerify } from './receivers/psp/sign';
export { createPaymentUrlHandler } from './receivers/psp/payment-url-handler';
export type { PaymentUrlHandlerOptions, PaymentUrlRequest, PaymentUrlResponse } from './receivers/psp/payment-url-handler';
export { createPspCallbackClient } from './receivers/psp/callback-client';
export type { PaymentCallback, PaymentReport, PspCallbackClientOptions } from './receivers/psp/callback-client';
export { createExchangeRateHandler } from './receivers/exchange-rates';
export type { ExchangeRate, ExchangeRateHandlerOptions } from './receivers/exchange-rates';
export { createExternalWalletHandler } from './receivers/external-wallets';
export type { ExternalWallet, ExternalWalletHandlerOptions, ExternalWalletListRequest, ExternalWalletTransfer, ExternalWalletTransferResult } from './receivers/external-wallets';
// What every receiver shares: de-duplication, failure reports, and mounting in Node's http / Express / Fastify.
export { memoryDedupeStore } from './receivers/common/dedupe';
export type { DedupeStore, ClaimResult, MemoryDedupeOptions } from './receivers/common/dedupe';
export type { ReceiverErrorContext, ReceiverErrorReporter } from './receivers/common/error-report';
export { toNodeHandler } from './receivers/node-handler';
export type { FetchHandler, NodeHandlerOptions } from './receivers/node-handler';
// Client OAuth: sign a broker's clients in (PKCE, iframe, password grant with MFA), keep their tokens fresh.
export * from './oauth/index';
