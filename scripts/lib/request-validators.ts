// The request validators' schemas and the operation table, read from a bundle at build time: the runtime gets
// each operation's `{ path, query, body }` schemas, stripped to what validation reads, and compiles them itself
// (src/request-validators.ts).
import { requestValidators, type ParameterSchemas, type RequestSchemas } from '../../src/core/validation/request-validators';
import { ALL_FORMATS, ANNOTATION_FORMATS, FORMATS, NUMBER_FORMATS } from '../../src/core/validation/formats';
import { GROUPS, IS_TYPE, UNTYPED, type JsonSchema } from '../../src/core/validation/schema-validator';
import type { OperationEntry } from '../../src/core/validation/types';
import { listOperations, resolveRef, type DocumentOperation, type Json } from './openapi-document';

const deref = (bundle: Json, node: Json): Json => resolveRef(bundle, node).node;

/** An operation's parameters, the path item's and its own, with `$ref`s followed. */
const parametersOf = (bundle: Json, { operation, pathItem }: DocumentOperation): Json[] =>
  [...(pathItem.parameters ?? []), ...(operation.parameters ?? [])].map((p: Json) => deref(bundle, p));

/** An operation's JSON request body: its schema (not followed) and whether the body is required. */
function jsonBodyOf(bundle: Json, { operation }: DocumentOperation): { schema: Json | undefined; required: boolean } {
  const requestBody = deref(bundle, operation.requestBody ?? {});
  return { schema: requestBody?.content?.['application/json']?.schema, required: requestBody?.required === true };
}

/** Where a list operation takes `skip` and `limit`, and the largest `limit` the spec allows. */
function pageOf(bundle: Json, op: DocumentOperation): OperationEntry['page'] {
  const query = parametersOf(bundle, op).filter((p: Json) => p.in === 'query');
  const queryLimit = query.find((p: Json) => p.name === 'limit');
  if (queryLimit && query.some((p: Json) => p.name === 'skip')) return { in: 'query', maxLimit: deref(bundle, queryLimit.schema).maximum };
  const body = deref(bundle, jsonBodyOf(bundle, op).schema ?? {});
  const bodyLimit = body?.properties?.limit && deref(bundle, body.properties.limit);
  if (bodyLimit && body.properties.skip) return { in: 'body', maxLimit: bodyLimit.maximum };
  return undefined;
}

/** Path parameters typed as numbers (a URL holds text; reconciliation reads them back as the spec types them). */
function numericPathParams(bundle: Json, op: DocumentOperation): string[] {
  return parametersOf(bundle, op)
    .filter((p: Json) => p.in === 'path' && ['integer', 'number'].includes(deref(bundle, p.schema ?? {}).type))
    .map((p: Json) => p.name);
}

/**
 * The body fields the spec marks `format: password`, as dotted paths (`register.password`; `[]` for an array's
 * items), through `$ref`s and `allOf`/`anyOf`/`oneOf` branches: what the intent journal never writes down.
 */
function passwordFieldsOf(bundle: Json, op: DocumentOperation): string[] {
  const found = new Set<string>();
  const walk = (node: Json | undefined, at: string[], seen: Set<Json>) => {
    const schema = node && deref(bundle, node);
    if (!schema || typeof schema !== 'object' || seen.has(schema)) return;
    const inside = new Set(seen).add(schema);
    if (schema.format === 'password' && at.length > 0) found.add(at.join('.'));
    for (const branch of [...(schema.allOf ?? []), ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) walk(branch, at, inside);
    for (const [name, property] of Object.entries((schema.properties ?? {}) as Json)) walk(property, [...at, name], inside);
    if (schema.items) walk(schema.items, [...at, '[]'], inside);
  };
  walk(jsonBodyOf(bundle, op).schema, [], new Set());
  return [...found].sort();
}

/** What the client needs to know of an operation, read from its spec extensions. */
function toEntry(bundle: Json, op: DocumentOperation): OperationEntry {
  const { id, method, path, operation } = op;
  const page = pageOf(bundle, op);
  const numericPath = numericPathParams(bundle, op);
  const passwordFields = passwordFieldsOf(bundle, op);
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
    ...(passwordFields.length > 0 ? { passwordFields } : {}),
  };
}

/** The parameters of one location of an operation, as the validators' `path` or `query` object. */
function parameterSchemas(bundle: Json, op: DocumentOperation, location: 'path' | 'query'): Required<ParameterSchemas> {
  const group: Required<ParameterSchemas> = { properties: {}, required: [] };
  for (const parameter of parametersOf(bundle, op)) {
    if (parameter.in !== location) continue;
    group.properties[parameter.name] = parameter.schema;
    if (parameter.required) group.required.push(parameter.name);
  }
  return group;
}

/** The JSON Schema of one operation's input, `{ path, query, body }`: what ajv checked, and the tests compare with. */
export function inputSchema(bundle: Json, op: DocumentOperation): Json {
  const object = (g: Required<ParameterSchemas>) => ({ type: 'object', properties: g.properties, required: g.required, additionalProperties: false });
  const schema: Json = { type: 'object', properties: { path: object(parameterSchemas(bundle, op, 'path')), query: object(parameterSchemas(bundle, op, 'query')) }, required: ['path', 'query'] };
  const body = jsonBodyOf(bundle, op);
  if (body.schema) {
    schema.properties.body = body.schema;
    if (body.required) schema.required.push('body');
  }
  return schema;
}

/** Keywords the runtime validator acts on (`x-rule` words a pattern's rule; `x-max-decimal-places` is ours); the rest is annotation. */
const VALIDATION_KEYWORDS = new Set(['type', 'x-rule', ...UNTYPED, ...GROUPS.flatMap(([, keywords]) => keywords)]);
/** Keywords that say nothing a request is checked for: they stay in the bundle and the types. */
const ANNOTATIONS = new Set(['title', 'description', 'default', 'examples', 'example', 'deprecated', 'readOnly', 'writeOnly', 'discriminator', '$comment']);
const SUBSCHEMA = new Set(['not', 'items', 'additionalProperties', 'unevaluatedProperties']);
const SUBSCHEMA_LIST = new Set(['allOf', 'anyOf', 'oneOf']);
const KNOWN_FORMATS = new Set([...Object.keys(FORMATS), ...Object.keys(NUMBER_FORMATS), ...ANNOTATION_FORMATS]);
const INTERPRETER = 'src/core/validation/schema-validator.ts';

export interface StripOptions {
  /**
   * Mark each guess (a schema node with an `x-decision` that is not an object's: a field's type, format or
   * values) with `"x-guess": true`, which the interpreter ignores and the verifier reads (response schemas).
   */
  markGuesses?: boolean;
}

/** Whether a node describes an object as a whole (its decisions are about the object, not one field's shape). */
const describesObject = (schema: Json) => schema.type === 'object' || 'properties' in schema || 'allOf' in schema;

/** A schema with only what validation reads; the names of its `$ref`s added to `refs`. */
export function validationSchema(schema: Json | boolean, refs: Set<string>, options: StripOptions = {}): Json | boolean {
  if (typeof schema !== 'object' || schema === null) return schema;
  const kept: Json = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword) || (keyword.startsWith('x-') && !VALIDATION_KEYWORDS.has(keyword))) continue;
    // A keyword the runtime cannot check fails the build, rather than a rule going unchecked.
    if (!VALIDATION_KEYWORDS.has(keyword)) throw new Error(`schema keyword \`${keyword}\` is not implemented by ${INTERPRETER}`);
    if (keyword === 'type' && ![value].flat().every((type) => type in IS_TYPE)) throw new Error(`schema type ${JSON.stringify(value)} is not implemented by ${INTERPRETER}`);
    if (keyword === 'format' && !KNOWN_FORMATS.has(String(value))) throw new Error(`schema format "${value}" is not implemented by src/core/validation/formats.ts`);
    if (keyword === '$ref') {
      if (!String(value).startsWith(COMPONENT)) throw new Error(`schema $ref outside ${COMPONENT}: ${value}`);
      refs.add(String(value).slice(COMPONENT.length));
    }
    if (keyword === 'properties') kept[keyword] = Object.fromEntries(Object.entries(value as Json).map(([name, property]) => [name, validationSchema(property, refs, options)]));
    else if (SUBSCHEMA.has(keyword)) kept[keyword] = validationSchema(value, refs, options);
    else if (SUBSCHEMA_LIST.has(keyword)) kept[keyword] = (value as Json[]).map((branch) => validationSchema(branch, refs, options));
    else kept[keyword] = value;
  }
  if (options.markGuesses && schema['x-decision'] !== undefined && !describesObject(schema)) kept['x-guess'] = true;
  return kept;
}

export const COMPONENT = '#/components/schemas/';

/** Every operation's input and the component schemas they reach, validation keywords only, `$ref`s as in the spec. */
function strippedSchemas(bundle: Json): { operations: RequestSchemas['operations']; schemas: Record<string, JsonSchema> } {
  const refs = new Set<string>();
  // `required` left out when empty: no parameter of the location is required.
  const strip = (group: Required<ParameterSchemas>): ParameterSchemas => ({
    properties: Object.fromEntries(Object.entries(group.properties).map(([name, schema]) => [name, validationSchema(schema, refs)])),
    ...(group.required.length ? { required: group.required } : {}),
  });
  const operations: RequestSchemas['operations'] = {};
  for (const op of listOperations(bundle)) {
    const body = jsonBodyOf(bundle, op);
    const path = parameterSchemas(bundle, op, 'path');
    const query = parameterSchemas(bundle, op, 'query');
    operations[op.id] = {
      // An operation without path or query parameters leaves the location out: it then takes none.
      ...(Object.keys(path.properties).length ? { path: strip(path) } : {}),
      ...(Object.keys(query.properties).length ? { query: strip(query) } : {}),
      ...(body.schema ? { body: validationSchema(body.schema, refs), ...(body.required ? {} : { bodyOptional: true as const }) } : {}),
    };
  }
  const schemas: Record<string, JsonSchema> = {};
  for (const name of refs) schemas[name] = validationSchema(bundle.components.schemas[name], refs); // refs grows while iterated
  return { operations, schemas };
}

/**
 * Every `$ref` replaced by the schema it names (a `$ref` beside other keywords keeps its place, the schema as
 * its value): the runtime needs no names then, and a referenced schema is one object wherever it is used.
 * A recursive schema cannot be written as nested constants: refused. `components`: each component, inlined.
 */
function inlineRefs({ operations, schemas }: ReturnType<typeof strippedSchemas>): { operations: RequestSchemas['operations']; components: Map<string, JsonSchema> } {
  const components = new Map<string, JsonSchema>();
  const inlining = new Set<string>();
  const target = (ref: string): JsonSchema => {
    const name = ref.slice(COMPONENT.length);
    if (inlining.has(name)) throw new Error(`schema ${name} refers to itself: the request schemas are written as constants, which cannot contain themselves`);
    if (!components.has(name)) {
      inlining.add(name);
      components.set(name, inline(schemas[name]));
      inlining.delete(name);
    }
    return components.get(name)!;
  };
  const inline = (node: any): any => {
    if (Array.isArray(node)) return node.map(inline);
    if (typeof node !== 'object' || node === null) return node;
    const keys = Object.keys(node);
    if (keys.length === 1 && typeof node.$ref === 'string') return target(node.$ref);
    return Object.fromEntries(keys.map((key) => [key, key === '$ref' ? target(node.$ref) : inline(node[key])]));
  };
  return { operations: inline(operations), components };
}

/** The validators' data: every operation's input, validation keywords only, with no `$ref` by name. */
export function requestSchemas(bundle: Json): RequestSchemas & { components: Map<string, JsonSchema> } {
  const { operations, components } = inlineRefs(strippedSchemas(bundle));
  // Every operation's schema must compile.
  const validators = requestValidators({ operations }, ALL_FORMATS);
  for (const id of Object.keys(operations)) validators[id]!({ path: {}, query: {} });
  return { operations, components };
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
// `__proto__:` in a literal would set the prototype, not a property: written computed.
const propertyKey = (key: string) => (key === '__proto__' ? '["__proto__"]' : IDENTIFIER.test(key) ? key : JSON.stringify(key));
/** Words a constant cannot be named (a schema `{ type: 'null' }`, a component named `delete`). */
const RESERVED = new Set('Infinity NaN undefined arguments await break case catch class const continue debugger default delete do else enum eval export extends false finally for function if implements import in instanceof interface let new null package private protected public return static super switch this throw true try typeof var void while with yield'.split(' '));

/**
 * TypeScript source of `requestSchemas`: one operation a line, and each object met more than once (a component
 * schema, `{ type: 'integer', minimum: 0 }`, a set of parameters) written once as a constant that every use
 * names, so the bundle carries it once and the runtime compiles it once.
 */
export function requestSchemasSource(bundle: Json): string {
  const { operations, components } = requestSchemas(bundle);
  // A component's name names its constant (several components of one content: a name said by the content).
  const componentNames = new Map<string, string[]>();
  for (const [name, schema] of [...components].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const key = JSON.stringify(schema);
    componentNames.set(key, [...(componentNames.get(key) ?? []), name]);
  }
  // How often each object is met, counting an object inside a repeated one once (it is written once).
  const uses = new Map<string, number>();
  const firstPath = new Map<string, string[]>();
  const count = (node: unknown, at: string[]) => {
    if (typeof node !== 'object' || node === null) return;
    const key = JSON.stringify(node);
    const seen = uses.has(key);
    uses.set(key, (uses.get(key) ?? 0) + 1);
    if (seen) return;
    firstPath.set(key, at);
    for (const [name, value] of Object.entries(node)) count(value, Array.isArray(node) ? at : [...at, name]);
  };
  for (const [id, input] of Object.entries(operations)) count(input, [id]);
  const shared = (node: object, key: string) => !Array.isArray(node) && Object.keys(node).length > 0 && uses.get(key)! > 1;

  // Else named by where it is first met: `listMt4Accounts_query`; an operation's whole input `getMfaSecret_input`.
  const pathName = (at: string[]) => (at.length === 1 ? `${at[0]}_input` : at.join('_'));
  const taken = new Set<string>(['requestSchemas']);
  const nameFor = (node: Json, key: string): string => {
    const components = componentNames.get(key);
    const scalars = Object.entries(node).every(([, value]) => typeof value !== 'object' || (Array.isArray(value) && value.every((v) => typeof v !== 'object')));
    const described = typeof node.type === 'string' && scalars ? [node.type, ...Object.entries(node).filter(([keyword]) => keyword !== 'type').map(([keyword, value]) => `${keyword}_${[value].flat().join('_')}`)].join('_') : undefined;
    const base = (described && described.length <= 48 ? described : components?.length === 1 ? components[0]! : pathName(firstPath.get(key)!)).replace(/[^A-Za-z0-9_$]/g, '_');
    let name = /^[0-9]/.test(base) || RESERVED.has(base) ? `_${base}` : base;
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    return name;
  };
  const constants = new Map<string, string>();
  const definitions: string[] = [];
  const source = (node: unknown): string => {
    if (typeof node !== 'object' || node === null) return JSON.stringify(node);
    const key = JSON.stringify(node);
    const known = constants.get(key);
    if (known) return known;
    const text = Array.isArray(node) ? `[${node.map(source).join(',')}]` : `{${Object.entries(node).map(([name, value]) => `${propertyKey(name)}:${source(value)}`).join(',')}}`;
    if (!shared(node, key)) return text;
    const name = nameFor(node as Json, key);
    constants.set(key, name);
    const components = componentNames.get(key);
    definitions.push(`${components && components.length > 1 ? `/** ${components.join(', ')} */\n` : ''}const ${name} = ${text};`);
    return name;
  };
  const lines = Object.entries(operations).map(([id, input]) => `    ${propertyKey(id)}: ${source(input)},`);
  return [
    '// Plain data: typed where it is read (requestValidators, in src/), so generated/ imports nothing.',
    ...definitions,
    '',
    '/** Each operation\'s `path`, `query` and `body` schemas (validation keywords only, each `$ref` replaced by its schema). */',
    'export const requestSchemas = {',
    '  operations: {',
    ...lines,
    '  },',
    '};',
    '',
  ].join('\n');
}

// The fields of an operation-table entry as emitted; a type test (spec-invariants) keeps them the shape src/ reads.
const OPERATION_ENTRY_FIELDS = [
  'id: string;',
  'method: string;',
  'path: string;',
  'idempotent: boolean;',
  'moneyMovement: boolean;',
  'reconcileBy?: string;',
  'repeatWindowMs?: number;',
  'numericPath?: string[];',
  "page?: { in: 'query' | 'body'; maxLimit: number };",
  'passwordFields?: string[];',
];

export function operationsSource(bundle: Json): string {
  // One line an operation; `method` and `path` are read back from the key, and false flags left out.
  const lines = listOperations(bundle).map((op) => {
    const { method: _method, path: _path, idempotent, moneyMovement, ...rest } = toEntry(bundle, op);
    const entry = { ...rest, ...(idempotent ? { idempotent } : {}), ...(moneyMovement ? { moneyMovement } : {}) };
    return `  ${JSON.stringify(`${op.method} ${op.path}`)}: ${JSON.stringify(entry)},`;
  });
  const reconcilable = listOperations(bundle).filter((op) => toEntry(bundle, op).reconcileBy !== undefined).map((op) => JSON.stringify(toEntry(bundle, op).id));
  return [
    '/** Operations whose lost answer is settled by a field (`x-reconcile-by`): each must have a reconciliation strategy. */',
    `export type ReconcilableOperationId = ${reconcilable.length ? reconcilable.join(' | ') : 'never'};`,
    '',
    '/** One operation: the shape src/ reads it as (OperationEntry), written here so generated/ imports nothing. */',
    'export interface OperationEntry {',
    ...OPERATION_ENTRY_FIELDS.map((field) => `  ${field}`),
    '}',
    '',
    'const table: Record<string, Omit<OperationEntry, \'method\' | \'path\' | \'idempotent\' | \'moneyMovement\'> & { idempotent?: true; moneyMovement?: true }> = {',
    ...lines,
    '};',
    '',
    '/** Every operation by `METHOD /path/template`: its id and what the client may do with it. */',
    '// Pure (an IIFE so annotated): a bundle that never looks an operation up leaves the table out.',
    'export const operations: Record<string, OperationEntry> = /* @__PURE__ */ (() =>',
    '  Object.fromEntries(',
    "    Object.entries(table).map(([key, entry]) => {",
    "      const [method, path] = key.split(' ') as [string, string];",
    '      return [key, { method, path, idempotent: false, moneyMovement: false, ...entry }];',
    '    }),',
    '  ))();',
    '',
  ].join('\n');
}
