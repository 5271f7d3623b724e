// The validator's issues about an answer as the report tells them: the JSONPath of the field, the rule (in
// the words the client's own validation errors use), what the spec expects there and what came, as a type
// or a presence. A value is never told, but for a list or constant rule on a field that is neither secret
// nor personal, and then only a short code (`partner`, `kyc_service_down`).
import { isSensitiveName } from '../../core/redact';
import { describeIssue } from '../../core/validation/messages';
import type { JsonSchema } from '../../core/validation/schema-validator';
import type { ValidationIssue } from '../../core/validation/types';
import { isGuessedField } from './guessed-fields';
import type { Violation } from './types';

/** A code, not data: what a list of allowed values could hold. */
const CODE = /^[A-Za-z0-9_.:-]{1,40}$/;
const SUMMARIES = new Set(['anyOf', 'oneOf', 'allOf', 'if']);

const segmentsOf = (pointer: string): string[] =>
  pointer === '' ? [] : pointer.split('/').slice(1).map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));

/** `$.records[0].email`; a key that is long, or looks like an address, is shown as `*` (a key can be data). */
export function jsonPath(segments: readonly string[]): string {
  return segments.reduce((path, segment) => {
    if (/^\d+$/.test(segment)) return `${path}[${segment}]`;
    if (segment.length > 64 || segment.includes('@')) return `${path}[*]`;
    return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment) ? `${path}.${segment}` : `${path}[${JSON.stringify(segment)}]`;
  }, '$');
}

/** The JSON type of a value, as a schema names it. */
export function jsonType(value: unknown): string {
  if (value === undefined) return 'absent';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function valueAt(value: unknown, segments: readonly string[]): unknown {
  let at = value;
  for (const segment of segments) at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[segment] : undefined;
  return at;
}

const list = (values: unknown[]) => `${values.slice(0, 12).map((v) => JSON.stringify(v)).join(', ')}${values.length > 12 ? ', …' : ''}`;

/** What the schema expects where the issue is, and what came (never the value itself). */
function expectedAndCame(issue: ValidationIssue, came: unknown): { expected: string; came: string } {
  const params = issue.params;
  const type = jsonType(came);
  switch (issue.keyword) {
    case 'type':
      return { expected: [params.type].flat().join(' or '), came: type };
    case 'required':
      return { expected: 'present', came: 'absent' };
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return { expected: 'no field of that name', came: `a field (${type})` };
    case 'enum':
      return { expected: `one of: ${list(params.allowedValues as unknown[])}`, came: `a ${type} outside the list` };
    case 'const':
      return { expected: JSON.stringify(params.allowedValue), came: `another ${type}` };
    case 'format':
      return { expected: `format ${JSON.stringify(params.format)}`, came: `a ${type} not in that format` };
    case 'pattern':
      return { expected: `text matching ${String(params.pattern)}`, came: 'text that does not match' };
    case 'minLength':
    case 'minItems':
    case 'minProperties':
    case 'maxLength':
    case 'maxItems':
    case 'maxProperties': {
      const unit = { Length: 'characters', Items: 'items', Properties: 'fields' }[issue.keyword.slice(3)];
      const least = issue.keyword.startsWith('min');
      return { expected: `${least ? 'at least' : 'at most'} ${String(params.limit)} ${unit}`, came: least ? 'fewer' : 'more' };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { expected: `${String(params.comparison)} ${String(params.limit)}`, came: `a ${type} beyond that` };
    case 'not':
      return { expected: 'not the value the schema excludes', came: 'that value' };
    case 'oneOf':
      return { expected: 'exactly one of the alternatives', came: params.passingSchemas === null ? 'none matched' : 'more than one matched' };
    case 'anyOf':
      return { expected: 'one of the alternatives', came: 'none matched' };
    default:
      return { expected: 'nothing (no value is allowed)', came: type };
  }
}

export interface ViolationContext {
  /** The documented body schema the issues are about. */
  schema: JsonSchema;
  resolve: (ref: string) => JsonSchema;
  /** The whole operation is a guess (`x-inferred`): every violation is. */
  inferred: boolean;
}

/** The issues as violations: summaries of alternatives dropped when their branches spoke, duplicates once. */
export function toViolations(issues: readonly ValidationIssue[], body: unknown, context: ViolationContext): Violation[] {
  const specific = issues.filter((issue) => !SUMMARIES.has(issue.keyword));
  const seen = new Set<string>();
  const violations: Violation[] = [];
  for (const issue of specific.length ? specific : issues) {
    const at = segmentsOf(issue.instancePath);
    // The field a `required` or `additionalProperties` issue is about is one level down.
    const name = issue.params.missingProperty ?? issue.params.additionalProperty ?? issue.params.unevaluatedProperty;
    const field = typeof name === 'string' ? [...at, name] : at;
    const came = valueAt(body, field);
    const rule = describeIssue(issue).rule;
    const path = jsonPath(field);
    const key = `${path} ${rule}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const sensitive = field.some((segment) => isSensitiveName(segment));
    const showable = (issue.keyword === 'enum' || issue.keyword === 'const') && !sensitive && ((typeof came === 'string' && CODE.test(came)) || typeof came === 'boolean' || (typeof came === 'number' && Number.isFinite(came)));
    violations.push({
      path,
      rule,
      ...expectedAndCame(issue, came),
      guess: context.inferred || isGuessedField(context.schema, field, context.resolve),
      ...(showable ? { value: came as string | number | boolean } : {}),
    });
  }
  return violations;
}
