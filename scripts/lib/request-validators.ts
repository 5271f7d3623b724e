// Request validators and the operation table, compiled from a bundle at build time so the runtime carries no
// schema compiler: ajv standalone code validating `{ path, query, body }` per operationId.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import standaloneCode from 'ajv/dist/standalone';
import type { OperationEntry } from '../../src/validation-types';
import { listOperations, resolveRef, type DocumentOperation, type Json } from './openapi-document';

const deref = (bundle: Json, node: Json): Json => resolveRef(bundle, node).node;

/** Where a list operation takes `skip` and `limit`, and the largest `limit` the spec allows. */
function pageOf(bundle: Json, { operation, pathItem }: DocumentOperation): OperationEntry['page'] {
  const query = [...(pathItem.parameters ?? []), ...(operation.parameters ?? [])].map((p: Json) => deref(bundle, p)).filter((p: Json) => p.in === 'query');
  const queryLimit = query.find((p: Json) => p.name === 'limit');
  if (queryLimit && query.some((p: Json) => p.name === 'skip')) return { in: 'query', maxLimit: deref(bundle, queryLimit.schema).maximum };
  const body = deref(bundle, deref(bundle, operation.requestBody ?? {})?.content?.['application/json']?.schema ?? {});
  const bodyLimit = body?.properties?.limit && deref(bundle, body.properties.limit);
  if (bodyLimit && body.properties.skip) return { in: 'body', maxLimit: bodyLimit.maximum };
  return undefined;
}

/** Path parameters typed as numbers (a URL holds text; reconciliation reads them back as the spec types them). */
function numericPathParams(bundle: Json, { operation, pathItem }: DocumentOperation): string[] {
  return [...(pathItem.parameters ?? []), ...(operation.parameters ?? [])]
    .map((p: Json) => deref(bundle, p))
    .filter((p: Json) => p.in === 'path' && ['integer', 'number'].includes(deref(bundle, p.schema ?? {}).type))
    .map((p: Json) => p.name);
}

/** What the client needs to know of an operation, read from its spec extensions. */
function toEntry(bundle: Json, op: DocumentOperation): OperationEntry {
  const { id, method, path, operation } = op;
  const page = pageOf(bundle, op);
  const numericPath = numericPathParams(bundle, op);
  return {
    id,
    method,
    path,
    idempotent: operation['x-idempotent'] === true,
    moneyMovement: operation['x-money-movement'] === true,
    ...(operation['x-reconcile-by'] ? { reconcileBy: operation['x-reconcile-by'] } : {}),
    ...(operation['x-repeat-window-ms'] ? { repeatWindowMs: operation['x-repeat-window-ms'] } : {}),
    ...(page ? { page } : {}),
    ...(numericPath.length > 0 ? { numericPath } : {}),
  };
}

/** The JSON Schema of one operation's input: `{ path, query, body }`. */
function inputSchema(bundle: Json, operation: Json, pathItem: Json): Json {
  const groups: Record<'path' | 'query', { properties: Json; required: string[] }> = {
    path: { properties: {}, required: [] },
    query: { properties: {}, required: [] },
  };
  for (const raw of [...(pathItem.parameters ?? []), ...(operation.parameters ?? [])]) {
    const parameter = deref(bundle, raw);
    const group = groups[parameter.in as 'path' | 'query'];
    if (!group) continue;
    group.properties[parameter.name] = parameter.schema;
    if (parameter.required) group.required.push(parameter.name);
  }
  const object = (g: { properties: Json; required: string[] }) => ({ type: 'object', properties: g.properties, required: g.required, additionalProperties: false });
  const schema: Json = { type: 'object', properties: { path: object(groups.path), query: object(groups.query) }, required: ['path', 'query'] };
  const body = deref(bundle, operation.requestBody ?? {})?.content?.['application/json']?.schema;
  if (body) {
    schema.properties.body = body;
    if (deref(bundle, operation.requestBody).required) schema.required.push('body');
  }
  return schema;
}

/** CommonJS source exporting one validator per operationId. */
export function validatorsSource(bundle: Json): string {
  const ajv = new Ajv2020({ strict: false, allErrors: true, verbose: true, code: { source: true, esm: false, lines: false } });
  addFormats(ajv);
  ajv.addFormat('password', true);
  const $defs: Json = {};
  for (const op of listOperations(bundle)) $defs[op.id] = inputSchema(bundle, op.operation, op.pathItem);
  ajv.addSchema({ $id: 'requests', $defs, components: bundle.components });
  const exports = Object.fromEntries(Object.keys($defs).map((id) => [id, `requests#/$defs/${id}`]));
  return standaloneCode(ajv, exports);
}

export function validatorsDeclarations(bundle: Json): string {
  const ids = listOperations(bundle).map((op) => op.id);
  return [
    "import type { RequestValidator } from '../src/validation-types';",
    ...ids.map((id) => `export declare const ${id}: RequestValidator;`),
    '',
  ].join('\n');
}

export function operationsSource(bundle: Json): string {
  const table = Object.fromEntries(listOperations(bundle).map((op) => [`${op.method} ${op.path}`, toEntry(bundle, op)]));
  return [
    "import type { OperationEntry } from '../src/validation-types';",
    '',
    '/** Every operation by `METHOD /path/template`: its id and what the client may do with it. */',
    `export const operations: Record<string, OperationEntry> = ${JSON.stringify(table, null, 2)};`,
    '',
  ].join('\n');
}
