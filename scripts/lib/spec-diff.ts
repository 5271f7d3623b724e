// What changed between two bundles of one API, for CHANGELOG.md: operations added or removed, and per
// operation the request and response fields, their types, required-ness and enum values. Changes that can
// break an existing caller are flagged.
import { listOperations, resolveRef, type Json } from './openapi-document';

export interface SpecChange {
  breaking: boolean;
  text: string;
}

interface Field {
  types: string;
  required: boolean;
  enum?: string[];
}

/** Every field of a schema as `path → {types, required, enum}`, following $refs (cycles cut). */
function fields(document: Json, schema: Json | undefined, prefix = '', required = true, seen = new Set<string>(), out = new Map<string, Field>()): Map<string, Field> {
  if (!schema) return out;
  const { node, pointer } = resolveRef(document, schema);
  if (pointer && seen.has(pointer)) return out;
  const nextSeen = pointer ? new Set([...seen, pointer]) : seen;
  for (const part of [...(node.allOf ?? []), ...(node.oneOf ?? []), ...(node.anyOf ?? [])]) fields(document, part, prefix, required, nextSeen, out);
  const type = [node.type ?? (node.const !== undefined ? typeof node.const : undefined)].flat().filter(Boolean).sort().join('|');
  if (prefix && (type || node.enum)) {
    const previous = out.get(prefix);
    out.set(prefix, { types: type || previous?.types || '', required: required || Boolean(previous?.required), ...(node.enum ? { enum: node.enum.map(String) } : previous?.enum ? { enum: previous.enum } : {}) });
  }
  for (const [name, child] of Object.entries((node.properties ?? {}) as Json)) {
    fields(document, child, prefix ? `${prefix}.${name}` : name, (node.required ?? []).includes(name), nextSeen, out);
  }
  if (node.items) fields(document, node.items, `${prefix}[]`, true, nextSeen, out);
  return out;
}

function operationFields(document: Json, operation: Json): { request: Map<string, Field>; responses: Map<string, Map<string, Field>> } {
  const request = new Map<string, Field>();
  for (const raw of operation.parameters ?? []) {
    const p = resolveRef(document, raw).node;
    fields(document, p.schema, `${p.in}.${p.name}`, Boolean(p.required), new Set(), request);
  }
  const body = resolveRef(document, operation.requestBody ?? {}).node?.content?.['application/json']?.schema;
  if (body) fields(document, body, 'body', true, new Set(), request);
  const responses = new Map<string, Map<string, Field>>();
  for (const [status, raw] of Object.entries((operation.responses ?? {}) as Json)) {
    const schema = resolveRef(document, raw).node?.content?.['application/json']?.schema;
    responses.set(status, fields(document, schema, 'body'));
  }
  return { request, responses };
}

export function diffSpecs(before: Json, after: Json): SpecChange[] {
  const changes: SpecChange[] = [];
  const ops = (d: Json) => new Map([...listOperations(d), ...listOperations({ paths: d.webhooks ?? {} })].map((op) => [op.id, op]));
  const old = ops(before);
  const now = ops(after);
  for (const [id, op] of now) if (!old.has(id)) changes.push({ breaking: false, text: `Added \`${id}\` (${op.method} ${op.path})` });
  for (const [id, op] of old) if (!now.has(id)) changes.push({ breaking: true, text: `Removed \`${id}\` (${op.method} ${op.path})` });
  for (const [id, op] of now) {
    const was = old.get(id);
    if (!was) continue;
    if (was.method !== op.method || was.path !== op.path) changes.push({ breaking: true, text: `\`${id}\` moved from ${was.method} ${was.path} to ${op.method} ${op.path}` });
    const a = operationFields(before, was.operation);
    const b = operationFields(after, op.operation);
    for (const [path, field] of b.request) {
      const prior = a.request.get(path);
      if (!prior) changes.push({ breaking: field.required, text: `\`${id}\`: ${field.required ? 'new required' : 'new optional'} input \`${path}\`` });
      else {
        if (!prior.required && field.required) changes.push({ breaking: true, text: `\`${id}\`: input \`${path}\` is now required` });
        if (prior.types !== field.types) changes.push({ breaking: true, text: `\`${id}\`: input \`${path}\` changed type ${prior.types} → ${field.types}` });
        const dropped = (prior.enum ?? []).filter((v) => field.enum && !field.enum.includes(v));
        if (dropped.length) changes.push({ breaking: true, text: `\`${id}\`: input \`${path}\` no longer accepts ${dropped.join(', ')}` });
      }
    }
    for (const path of a.request.keys()) if (!b.request.has(path)) changes.push({ breaking: true, text: `\`${id}\`: input \`${path}\` removed` });
    for (const [status, before] of a.responses) {
      const after = b.responses.get(status);
      if (!after) {
        changes.push({ breaking: true, text: `\`${id}\`: response ${status} removed` });
        continue;
      }
      for (const [path, field] of before) {
        const next = after.get(path);
        if (!next) changes.push({ breaking: true, text: `\`${id}\` ${status}: field \`${path}\` removed` });
        else if (next.types !== field.types) changes.push({ breaking: true, text: `\`${id}\` ${status}: field \`${path}\` changed type ${field.types} → ${next.types}` });
        else {
          const added = (next.enum ?? []).filter((v) => field.enum && !field.enum.includes(v));
          if (added.length) changes.push({ breaking: true, text: `\`${id}\` ${status}: field \`${path}\` may now be ${added.join(', ')}` });
        }
      }
      for (const path of after.keys()) if (!before.has(path)) changes.push({ breaking: false, text: `\`${id}\` ${status}: new field \`${path}\`` });
    }
    for (const status of b.responses.keys()) if (!a.responses.has(status)) changes.push({ breaking: false, text: `\`${id}\`: new response ${status}` });
  }
  return changes;
}

export function changelogSection(title: string, changesByApi: Record<string, SpecChange[]>): string {
  const lines = [`## ${title}`, ''];
  for (const [api, changes] of Object.entries(changesByApi)) {
    if (changes.length === 0) continue;
    lines.push(`### ${api}`, '');
    for (const change of [...changes].sort((x, y) => Number(y.breaking) - Number(x.breaking))) lines.push(`- ${change.breaking ? '**BREAKING** ' : ''}${change.text}`);
    lines.push('');
  }
  if (lines.length === 2) lines.push('No change to any API.', '');
  return lines.join('\n');
}
