// The bundled specs as the tests see them (see scripts/lib/api-spec.ts); the REST API's helpers directly.
import { loadApi, type ExampleInput, type SpecOperation } from '../../scripts/lib/api-spec';

export { loadApi };
export type { ExampleInput, SpecOperation };

const rest = loadApi('crm-rest');
export const { bundle, operationById, deref, documentedResponse, documentedErrorExamples, responseSchemaErrors, exampleInput } = rest;
export const operations: SpecOperation[] = rest.operations;
