// Whether a place in an answer is a guess of the spec: the generator marks each field whose type, format or
// values are a decision (`x-decision` on a field) with `"x-guess": true`. A field is a guess when a schema
// that applies there, or at any field on the way to it, carries the mark (the answer's root does not count:
// decisions about a whole answer say only that more fields may come).
import type { JsonSchema, SchemaObject } from '../../core/validation/schema-validator';

const MAX_REF_HOPS = 32;

/** The schema nodes that apply where `schema` does: itself, its `$ref`s and the branches of its compositions. */
function applying(schema: JsonSchema, resolve: (ref: string) => JsonSchema, into: Set<SchemaObject>, hops = 0): Set<SchemaObject> {
  if (typeof schema !== 'object' || schema === null || into.has(schema) || hops > MAX_REF_HOPS) return into;
  into.add(schema);
  if (typeof schema.$ref === 'string') applying(resolve(schema.$ref), resolve, into, hops + 1);
  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) for (const branch of (schema[keyword] as JsonSchema[] | undefined) ?? []) applying(branch, resolve, into, hops + 1);
  return into;
}

/** The nodes one step down, at `segment` (a property name or an array index). */
function below(nodes: Set<SchemaObject>, segment: string, resolve: (ref: string) => JsonSchema): Set<SchemaObject> {
  const next = new Set<SchemaObject>();
  for (const node of nodes) {
    const properties = node.properties as Record<string, JsonSchema> | undefined;
    const child = properties && Object.prototype.hasOwnProperty.call(properties, segment) ? properties[segment] : /^\d+$/.test(segment) && node.items !== undefined ? node.items : node.additionalProperties;
    if (child !== undefined && typeof child === 'object') applying(child as JsonSchema, resolve, next);
  }
  return next;
}

/** True when the field at `segments` (from the answer's root) or one on the way there is marked a guess. */
export function isGuessedField(root: JsonSchema, segments: readonly string[], resolve: (ref: string) => JsonSchema): boolean {
  let nodes = applying(root, resolve, new Set());
  for (const segment of segments.slice(0, 64)) {
    nodes = below(nodes, segment, resolve);
    if ([...nodes].some((node) => node['x-guess'] === true)) return true;
    if (nodes.size === 0) return false;
  }
  return false;
}
