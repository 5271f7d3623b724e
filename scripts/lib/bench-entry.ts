// What the bench measures, bundled the way the package ships (scripts/lib/bench-build.ts): the public client
// and, for the per-layer table, the pieces it is made of.
export { createCrmClient, signPayload } from '../../src/index';
export { createRetryingFetch } from '../../src/transport/retrying-fetch';
export { sequence } from '../../src/middleware/sequence';
export { contextMiddleware } from '../../src/middleware/context';
export { validationMiddleware } from '../../src/middleware/validation';
export { authMiddleware } from '../../src/middleware/auth';
export { requestValidators } from '../../src/request-validators';
export { requestSchemas } from '../../generated/crm-rest.request-schemas';
export { operations } from '../../generated/crm-rest.operations';
