// The input `crm-open-api verify` calls each operation with, read from the spec's own examples at build time
// (each required path and query parameter's example, and the request body's example), so the installed
// package needs no spec parser to make its calls.
import { loadApi } from './api-spec';
import type { Json } from './openapi-document';
import { operationsAndWebhooks } from './response-schemas';

export function exampleInputs(bundle: Json, name = 'crm-rest'): Record<string, { path?: Json; query?: Json; body?: unknown }> {
  const api = loadApi(name, bundle);
  return Object.fromEntries(
    operationsAndWebhooks(bundle).map((op) => {
      const { params, body } = api.exampleInput(op.id);
      return [op.id, { ...(params.path ? { path: params.path } : {}), ...(params.query ? { query: params.query } : {}), ...(body === undefined ? {} : { body }) }];
    }),
  );
}

/** TypeScript source of `exampleInputs`, one operation a line. */
export function exampleInputsSource(bundle: Json, name = 'crm-rest'): string {
  return [
    "/** Each operation's input made of the spec's examples: required path and query parameters, and the body. */",
    name === 'crm-rest'
      ? '// Plain data: read by the verifier (src/testing/verify/), which points it at the tenant\'s test user and run.'
      : '// Plain data: read by the CRM\'s calls to the tenant (src/testing/crm-calls/): what the sandbox, `trigger` and `check` send.',
    'export const exampleInputs: Record<string, { path?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown }> = {',
    ...Object.entries(exampleInputs(bundle, name)).map(([id, input]) => `  ${JSON.stringify(id)}: ${JSON.stringify(input)},`),
    '};',
    '',
  ].join('\n');
}
