// The response validators of the REST API, made from generated/crm-rest.response-schemas.ts: per operation
// and documented status, the JSON Schema of the body (validation keywords only, guesses marked `x-guess`),
// compiled on first use by the package's own interpreter. Components are compiled once and shared.
import { ALL_FORMATS } from '../../core/validation/formats';
import { createSchemaCompiler, type JsonSchema, type SchemaCheck } from '../../core/validation/schema-validator';
import type { ValidationIssue } from '../../core/validation/types';

/** What generated/<api>.response-schemas.ts holds. */
export interface ResponseSchemas {
  /** The spec's `info.version`, so a report says which spec it was checked against. */
  specVersion: string;
  operations: Record<string, OperationResponses>;
  /** By name; referred to as `#/components/schemas/<name>`. */
  schemas: Record<string, JsonSchema>;
}

export interface OperationResponses {
  /** `x-inferred`: no vendor page exists, the path and shapes are decisions. */
  inferred?: boolean;
  /** `x-confirmed-in-use`: inferred, and a running integration confirmed the path. */
  confirmedInUse?: boolean;
  /** Documented status → the schema of its JSON body, or null when it documents no body. */
  responses: Record<string, JsonSchema | null>;
}

const COMPONENT = '#/components/schemas/';

export interface ResponseValidators {
  /** The documented statuses of an operation, as numbers. */
  statuses(operationId: string): number[];
  /** The body schema of a documented status (null: no body documented; undefined: status not documented). */
  schemaOf(operationId: string, status: number): JsonSchema | null | undefined;
  /** What is wrong with `body` as the answer `status` of the operation (an empty list when nothing is). */
  check(operationId: string, status: number, body: unknown): ValidationIssue[];
  /** A `$ref`'s target (for walking a schema along a path). */
  resolve(ref: string): JsonSchema;
}

export function responseValidators(table: ResponseSchemas): ResponseValidators {
  const resolve = (ref: string): JsonSchema => {
    const schema = ref.startsWith(COMPONENT) ? table.schemas[ref.slice(COMPONENT.length)] : undefined;
    if (schema === undefined) throw new Error(`unresolvable $ref ${ref}`);
    return schema;
  };
  const compile = createSchemaCompiler(resolve, ALL_FORMATS);
  const compiled = new Map<JsonSchema, SchemaCheck>();
  const schemaOf = (operationId: string, status: number) => table.operations[operationId]?.responses[String(status)];
  return {
    statuses: (operationId) => Object.keys(table.operations[operationId]?.responses ?? {}).map(Number),
    schemaOf,
    check(operationId, status, body) {
      const schema = schemaOf(operationId, status);
      if (schema === undefined || schema === null) throw new Error(`${operationId} documents no JSON body for ${status}`);
      let check = compiled.get(schema);
      if (!check) compiled.set(schema, (check = compile(schema)));
      const issues: ValidationIssue[] = [];
      check(body, [], issues);
      return issues;
    },
    resolve,
  };
}
