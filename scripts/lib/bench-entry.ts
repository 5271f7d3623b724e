// What the bench measures, bundled the way the package ships (scripts/lib/bench-build.ts): the public client
// and, for the per-layer table, the pieces it is made of.
export { createCrmClient, signPayload, memoryJournal } from '../../src/index';
export { fileJournal } from '../../src/node/index';
export { createRetryingFetch } from '../../src/http/transport/retrying-fetch';
export { createOperationClient } from '../../src/http/operation-client';
export { createRequestSigner } from '../../src/rest/request-signing';
export { requestValidators } from '../../src/core/validation/request-validators';
export { CRM_REST_FORMATS } from '../../src/core/validation/formats';
export { requestSchemas } from '../../generated/crm-rest.request-schemas';
export { operations } from '../../generated/crm-rest.operations';
