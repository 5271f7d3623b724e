// Turns the validator's issues into one message that names the field and the rule, and never quotes the value
// (it may be a password). The validator words each rule (ValidationIssue.message); here the field is named.
import type { RequestValidator, ValidationIssue } from './types';

/** `/body/records/0/name` → `body.records[0].name`. */
function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment), '');
}

export interface FieldRule {
  field: string;
  rule: string;
}

export function describeIssue({ instancePath, params, message }: ValidationIssue): FieldRule {
  const field = fieldPath(instancePath);
  // A field that is missing or not allowed is named one level down from the object that lacks or has it.
  const name = params.missingProperty ?? params.additionalProperty ?? params.unevaluatedProperty;
  return { field: name === undefined ? field : `${field ? `${field}.` : ''}${String(name)}`, rule: message };
}

/** Issues worth telling: the `anyOf`/`oneOf` summaries dropped when their branches already spoke; each once. */
export function describeIssues(issues: readonly ValidationIssue[]): FieldRule[] {
  const specific = issues.filter((i) => i.keyword !== 'anyOf' && i.keyword !== 'oneOf');
  // By `field rule`: a repeat keeps the place of the first.
  const told = new Map((specific.length ? specific : issues).map(describeIssue).map((issue) => [`${issue.field} ${issue.rule}`, issue] as const));
  return [...told.values()];
}

/** The issues as one message, `field rule; field rule`, naming each field and rule and never a value. */
export const issuesText = (issues: readonly FieldRule[]): string => issues.map(({ field, rule }) => `${field} ${rule}`).join('; ');

/** `undefined` when the input is valid, else one message naming each field and its rule (never a value). */
export function inputProblem(validate: RequestValidator, input: { path?: object; query: object; body?: unknown }): string | undefined {
  if (validate({ path: {}, ...input })) return undefined;
  return issuesText(describeIssues(validate.errors ?? []));
}
