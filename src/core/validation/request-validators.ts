// The request validators of one API, made from the schemas `npm run generate` writes into generated/: each
// operation's `{ path, query, body }` is checked against one JSON Schema built here, compiled when the
// operation is first validated. The generator writes a schema used in several places (a component) as one
// object, which is compiled once and shared by every operation that uses it.
import { createSchemaCompiler, type JsonSchema, type SchemaCheck, type SchemaFormats } from './schema-validator';
import type { RequestValidator, ValidationIssue } from './types';

/** The parameters of one location (`path` or `query`) of an operation. */
export interface ParameterSchemas {
  properties: Record<string, JsonSchema>;
  /** Absent: none is required. */
  required?: string[];
}

/**
 * What generated/<api>.request-schemas.ts holds: the input of every operation. A `$ref` there holds the schema
 * itself (the generator replaced each name by what it names), so no table of names is needed.
 */
export interface RequestSchemas<Id extends string = string> {
  operations: Record<Id, OperationInput>;
}

export interface OperationInput {
  /** Absent: the operation takes no path parameters. */
  path?: ParameterSchemas;
  /** Absent: the operation takes no query parameters. */
  query?: ParameterSchemas;
  /** Absent: the operation takes no JSON body. */
  body?: JsonSchema;
  /** The body may be left out (the spec's `requestBody.required` is not true); a body is required otherwise. */
  bodyOptional?: true;
}

const parametersSchema = ({ properties, required = [] }: ParameterSchemas = { properties: {} }): JsonSchema => ({ type: 'object', properties, required, additionalProperties: false });

// One set of validators per API (per generated table), however many clients, handlers and sandboxes ask.
const byTable = /* @__PURE__ */ new WeakMap<object, Record<string, RequestValidator>>();

/**
 * One validator per operationId, the same for every caller of the same table. Cheap to call: nothing is
 * compiled until an operation is first validated, and then once per process. `formats`: the checks its
 * schemas need beyond the core keywords (formats.ts has each API's set; every caller of one table passes the same).
 */
export function requestValidators<Id extends string>(table: RequestSchemas<Id>, formats: SchemaFormats): Record<Id, RequestValidator> {
  const known = byTable.get(table);
  if (known) return known as Record<Id, RequestValidator>;
  const compile = createSchemaCompiler((ref) => {
    throw new Error(`unresolvable $ref ${ref}`);
  }, formats);
  const validators = {} as Record<Id, RequestValidator>;
  for (const [id, input] of Object.entries(table.operations) as [Id, OperationInput][]) {
    let check: SchemaCheck | undefined;
    const validate: RequestValidator = (data) => {
      check ??= compile({
        type: 'object',
        properties: { path: parametersSchema(input.path), query: parametersSchema(input.query), ...(input.body === undefined ? {} : { body: input.body }) },
        required: input.body === undefined || input.bodyOptional ? ['path', 'query'] : ['path', 'query', 'body'],
      });
      const issues: ValidationIssue[] = [];
      const valid = check(data, [], issues);
      validate.errors = valid ? null : issues;
      return valid;
    };
    validators[id] = validate;
  }
  byTable.set(table, validators);
  return validators;
}
