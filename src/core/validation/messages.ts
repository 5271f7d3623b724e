// Turns ajv's issues into one message that names the field and the rule, and never quotes the value (it may be
// a password).
import type { ValidationIssue } from './types';

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

export function describeIssue(issue: ValidationIssue): FieldRule {
  const field = fieldPath(issue.instancePath);
  const params = issue.params;
  const custom = issue.parentSchema?.['x-rule'];
  switch (issue.keyword) {
    case 'required':
      return { field: `${field ? `${field}.` : ''}${String(params.missingProperty)}`, rule: 'is required' };
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const name = params.additionalProperty ?? params.unevaluatedProperty;
      return { field: `${field ? `${field}.` : ''}${String(name)}`, rule: 'is not a known field' };
    }
    case 'enum':
      return { field, rule: `must be one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'pattern':
    case 'not':
      return { field, rule: typeof custom === 'string' ? custom : `must match pattern ${String(params.pattern ?? '')}`.trim() };
    default:
      return { field, rule: issue.message ?? `breaks the rule "${issue.keyword}"` };
  }
}

/** Issues worth telling: drop the `anyOf`/`oneOf`/`allOf` summaries when their branches already spoke. */
export function describeIssues(issues: readonly ValidationIssue[]): FieldRule[] {
  const specific = issues.filter((i) => !['anyOf', 'oneOf', 'allOf', 'if'].includes(i.keyword));
  const seen = new Set<string>();
  return (specific.length ? specific : issues).map(describeIssue).filter(({ field, rule }) => {
    const key = `${field} ${rule}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** The issues as one message, `field rule; field rule`, naming each field and rule and never a value. */
export const issuesText = (issues: readonly FieldRule[]): string => issues.map(({ field, rule }) => `${field} ${rule}`).join('; ');
