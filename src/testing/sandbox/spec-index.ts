// What the sandbox reads from the bundled REST spec: each operation's route, the types of its path and query
// parameters (to turn the strings of a URL into what the validators expect), its example answer (for cases
// the state cannot derive) and the error types it documents (so the sandbox never answers an undocumented one).
import { readFileSync } from 'node:fs';
import { operations } from '../../../generated/crm-rest.operations';
import { bundledSpecPath } from '../package-root';
import { compilePathTemplate, type PathMatcher } from '../../core/path-template';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface SandboxOperation {
  id: string;
  method: string;
  path: string;
  match: PathMatcher;
  /** Parameter name → the JSON type its schema declares, per location. */
  params: { path: Record<string, ParamType>; query: Record<string, ParamType> };
  hasBody: boolean;
  /** The request body example, when there is one. */
  requestExample: unknown;
  /** The first documented 2xx status and its example body (undefined for a bodiless answer). */
  example: { status: number; body: unknown };
  /** `x-repeat-window-ms`: how long a repeat of this call is answered as a repeat. */
  repeatWindowMs?: number;
  /** Error status → the `type` values documented for it (`'*'` when `type` is an open string). */
  errors: Record<number, Set<string> | '*'>;
}

export type ParamType = { type: string; items?: string };

export function loadSandboxSpec(document?: Json): SandboxOperation[] {
  const bundle: Json = document ?? JSON.parse(readFileSync(bundledSpecPath('crm-rest'), 'utf8'));
  const deref = (node: Json): Json => {
    let at = node;
    for (let hops = 0; at && typeof at.$ref === 'string' && hops < 20; hops++) {
      at = at.$ref
        .slice(2)
        .split('/')
        .reduce((o: Json, k: string) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], bundle);
    }
    return at;
  };
  /** The `type` enum of an error body schema, following allOf; '*' when open. */
  const typeEnum = (schema: Json): Set<string> | '*' => {
    const node = deref(schema);
    const values = new Set<string>();
    for (const part of [node, ...(node?.allOf ?? []).map(deref)]) {
      for (const value of deref(part?.properties?.type)?.enum ?? []) values.add(value);
    }
    return values.size > 0 ? values : '*';
  };

  const result: SandboxOperation[] = [];
  // Which operations there are, their ids, routes and repeat windows: the generated table's; the bundle only
  // for what the table does not hold (parameter types, examples, documented error types).
  for (const entry of Object.values(operations)) {
    const item = bundle.paths?.[entry.path];
    const op = item?.[entry.method.toLowerCase()];
    if (!op) continue;
    const params: SandboxOperation['params'] = { path: {}, query: {} };
    for (const raw of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
      const parameter = deref(raw);
      const schema = deref(parameter.schema ?? {});
      const where = params[parameter.in as 'path' | 'query'];
      if (where) where[parameter.name] = { type: schema.type ?? 'string', ...(schema.items ? { items: deref(schema.items).type } : {}) };
    }
    const [status, response] = Object.entries<Json>(op.responses).find(([code]) => code.startsWith('2')) ?? ['200', {}];
    const media = deref(response)?.content?.['application/json'];
    const firstExample = media?.examples ? deref(Object.values<Json>(media.examples)[0])?.value : undefined;
    const requestMedia = deref(op.requestBody)?.content?.['application/json'];
    const requestExample = requestMedia?.example ?? (requestMedia?.examples ? deref(Object.values<Json>(requestMedia.examples)[0])?.value : undefined);
    const errors: SandboxOperation['errors'] = {};
    for (const [code, raw] of Object.entries<Json>(op.responses)) {
      if (Number(code) < 400) continue;
      const schema = deref(raw)?.content?.['application/json']?.schema;
      errors[Number(code)] = schema ? typeEnum(schema) : '*';
    }
    result.push({
      id: entry.id,
      method: entry.method,
      path: entry.path,
      match: compilePathTemplate(entry.path),
      params,
      hasBody: Boolean(op.requestBody),
      requestExample,
      example: { status: Number(status), body: media ? media.example ?? firstExample : undefined },
      errors,
      ...(entry.repeatWindowMs ? { repeatWindowMs: entry.repeatWindowMs } : {}),
    });
  }
  return result;
}

/** `200118`, `-5`, `0`: no sign but `-`, no leading zero, no point, exponent, hex or blank (`Number()` takes all of those). */
const CANONICAL_INTEGER = /^(?:0|-?[1-9][0-9]*)$/;
/** The same, with an optional fraction (`0.5`, `-12.25`). */
const CANONICAL_NUMBER = /^(?:0|-?[1-9][0-9]*|-?0\.[0-9]+|-?[1-9][0-9]*\.[0-9]+)$/;

/**
 * A URL's parameter text as the type its schema declares; the text itself when it is not written the one
 * canonical way (so the validator refuses it: `200118.0`, `2.00118e5`, `0x30EB6`, ` 1`, `+1` and `01` are not
 * the integer 200118 or 1), or when it is an integer too large to hold exactly.
 */
export function coerceParam(text: string | string[], declared: ParamType): unknown {
  if (declared.type === 'array') return (Array.isArray(text) ? text : [text]).map((t) => coerceParam(t, { type: declared.items ?? 'string' }));
  const value = (Array.isArray(text) ? text[0] : text) ?? '';
  if (declared.type === 'integer') return CANONICAL_INTEGER.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : value;
  if (declared.type === 'number') return CANONICAL_NUMBER.test(value) && Number.isFinite(Number(value)) ? Number(value) : value;
  if (declared.type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}
