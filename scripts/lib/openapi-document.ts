// Walking a bundled OpenAPI document: its operations, and local `$ref`s. Shared by the generator and the tests.

export type Json = Record<string, any>;

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

export interface DocumentOperation {
  id: string;
  /** Upper case, e.g. `POST`. */
  method: string;
  /** The path template, e.g. `/public/v1/users/{id}`. */
  path: string;
  operation: Json;
  pathItem: Json;
  /** JSON pointer of the operation in the document. */
  pointer: string;
}

const escapeSegment = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
const unescapeSegment = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~');

export function listOperations(document: Json): DocumentOperation[] {
  return Object.entries((document.paths ?? {}) as Json).flatMap(([path, pathItem]) =>
    HTTP_METHODS.filter((method) => pathItem[method]).map((method) => ({
      id: pathItem[method].operationId as string,
      method: method.toUpperCase(),
      path,
      operation: pathItem[method],
      pathItem,
      pointer: `#/paths/${escapeSegment(path)}/${method}`,
    })),
  );
}

/** Follows local `$ref`s until an object without one; returns it with the pointer it was found at. */
export function resolveRef(document: Json, node: Json, pointer = ''): { node: Json; pointer: string } {
  while (typeof node?.$ref === 'string') {
    pointer = node.$ref;
    node = pointer.slice(2).split('/').map(unescapeSegment).reduce((at: Json, key: string) => at[key], document);
  }
  return { node, pointer };
}
