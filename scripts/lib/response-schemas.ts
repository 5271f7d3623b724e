// The response schemas `crm-open-api verify` checks a CRM's answers with (and the sandbox and `trigger` check
// a tenant's answers to the CRM's calls with), read from a bundle at build time:
// per operation and documented status the JSON Schema of the body, stripped to what validation reads (the
// request schemas' stripping, so the same guard refuses a keyword the interpreter does not implement), each
// guessed field marked `x-guess`, and whether the operation itself is a guess (`x-inferred`).
import { responseValidators, type OperationResponses, type ResponseSchemas } from '../../src/testing/verify/response-validators';
import { listOperations, resolveRef, type Json } from './openapi-document';
import { validationSchema } from './request-validators';

const STATUS = /^[1-5][0-9]{2}$/;

/** The operations of a bundle, its webhooks (the CRM's calls to the tenant) too. */
export const operationsAndWebhooks = (bundle: Json) => [...listOperations(bundle), ...listOperations({ paths: bundle.webhooks ?? {} })];

export function responseSchemas(bundle: Json): ResponseSchemas {
  const refs = new Set<string>();
  const strip = (schema: Json) => validationSchema(schema, refs, { markGuesses: true });
  const operations: ResponseSchemas['operations'] = {};
  for (const op of operationsAndWebhooks(bundle)) {
    const responses: OperationResponses['responses'] = {};
    for (const [status, raw] of Object.entries((op.operation.responses ?? {}) as Json)) {
      // The verifier matches an answer's status exactly: a range (`4XX`) or `default` would need a rule of its own.
      if (!STATUS.test(status)) throw new Error(`${op.id}: response \`${status}\` is not a status the verifier can match`);
      const content = (resolveRef(bundle, raw).node.content ?? {}) as Json;
      const other = Object.keys(content).filter((type) => type !== 'application/json');
      if (other.length) throw new Error(`${op.id} ${status}: the verifier checks JSON bodies only, not ${other.join(', ')}`);
      const schema = content['application/json']?.schema;
      responses[status] = schema === undefined ? null : strip(schema);
    }
    operations[op.id] = {
      ...(op.operation['x-inferred'] === true ? { inferred: true } : {}),
      ...(op.operation['x-confirmed-in-use'] ? { confirmedInUse: true } : {}),
      responses,
    };
  }
  const schemas: ResponseSchemas['schemas'] = {};
  for (const name of refs) schemas[name] = strip(bundle.components.schemas[name]); // refs grows while iterated
  const table: ResponseSchemas = {
    specVersion: String(bundle.info?.version ?? ''),
    operations,
    schemas: Object.fromEntries(Object.keys(schemas).sort().map((name) => [name, schemas[name]!])),
  };
  // Every schema must compile and run (a `$ref` that does not resolve fails the build here).
  const validators = responseValidators(table);
  for (const [id, { responses }] of Object.entries(operations)) for (const [status, schema] of Object.entries(responses)) if (schema !== null) validators.check(id, Number(status), {});
  return table;
}

/** TypeScript source of `responseSchemas`, one operation or schema a line. */
export function responseSchemasSource(bundle: Json): string {
  const { specVersion, operations, schemas } = responseSchemas(bundle);
  const lines = (record: Json) => Object.entries(record).map(([name, value]) => `    ${JSON.stringify(name)}: ${JSON.stringify(value)},`);
  return [
    '/** Each operation\'s documented answers (status → JSON body schema, null for none) and the component schemas they use. */',
    '// Validation keywords only, guessed fields marked "x-guess". Plain data: typed where it is read (responseValidators, in src/).',
    'export const responseSchemas = {',
    `  specVersion: ${JSON.stringify(specVersion)},`,
    '  operations: {',
    ...lines(operations),
    '  },',
    '  schemas: {',
    ...lines(schemas),
    '  },',
    '};',
    '',
  ].join('\n');
}
