// The package's public surface: re-exports only.
export { createCrmClient } from './client';
export type { CrmClient, CrmClientOptions, CrmPaths, CrmComponents, CrmOperations } from './client';
export { signPayload, verifySignature } from './signature';
export { CrmError, CrmValidationError, CrmConnectionError, CrmTimeoutError, CrmAmbiguousOutcomeError, CrmApiError } from './errors';
export { unwrap } from './api-error';
export { paginate } from './paginate';
export type { PagedPath, PaginateInit, PaginateOptions, PaginatedRecord } from './paginate';
export type { CrmLogger, CrmLogDetails } from './logger';
export type { BackoffOptions } from './transport/backoff';
