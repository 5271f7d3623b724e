// The package's public surface: re-exports only.
export { createCrmClient } from './client';
export type { CrmClient, CrmClientOptions, CrmPaths, CrmComponents, CrmOperations } from './client';
export { signPayload, verifySignature } from './signature';
export { CrmError, CrmValidationError } from './errors';
