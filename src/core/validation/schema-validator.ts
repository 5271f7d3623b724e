// A small JSON Schema (2020-12) validator for the request schemas: each schema is compiled once into closures,
// and the generated code carries only the schemas, shared between operations through `$ref`, instead of
// ajv's inlined code per operation (a twentieth of the size). It reports what ajv reported, in ajv's order
// and words (instancePath, keyword, params, message); a test compares the two on every operation. The
// generator refuses a schema with a keyword or type this does not implement, so no rule goes unchecked.
// One keyword is ours: `x-max-decimal-places` (money that a decimal(20,8) must hold exactly), which ajv
// learns from the equivalence test; standard `multipleOf` cannot say it (0.07 / 1e-8 is not an integer in
// floating point, so ajv and Prism would refuse 0.07).
import { isPlainObject } from '../plain-object';
import { ANNOTATION_FORMATS, type SchemaFormats } from './formats';
import type { ValidationIssue } from './types';

export type JsonSchema = boolean | SchemaObject;
export interface SchemaObject {
  [keyword: string]: unknown;
}

/** Names of the properties of the object at hand that some keyword evaluated (for `unevaluatedProperties`). */
type Evaluated = Set<string> & { all?: boolean };

/**
 * Checks `data`, found at `path` (the JSON-pointer segments leading to it, each with its `/`: a stack, so no
 * path text is made unless something is wrong); appends what is wrong to `issues`; true when nothing was.
 */
export type SchemaCheck = (data: unknown, path: string[], issues: ValidationIssue[], evaluated?: Evaluated) => boolean;

type Step = (data: any, path: string[], issues: ValidationIssue[], evaluated: Evaluated | undefined) => void;


export const IS_TYPE: Record<string, (data: any) => boolean> = {
  string: (data) => typeof data === 'string',
  number: (data) => typeof data === 'number',
  integer: (data) => typeof data === 'number' && !(data % 1) && !Number.isNaN(data),
  boolean: (data) => typeof data === 'boolean',
  null: (data) => data === null,
  object: isPlainObject,
  array: Array.isArray,
};

// ajv checks keywords in groups, each group in its own order: untyped keywords first, then those of numbers,
// strings, arrays and objects, each only when the data is of that type. `format` is in two groups, as in
// ajv-formats: a number format (int64) checks numbers, a string format (email) strings.
export const UNTYPED = ['$ref', 'const', 'enum', 'not', 'anyOf', 'oneOf', 'allOf'];
export const GROUPS: [type: string, keywords: string[]][] = [
  ['number', ['maximum', 'minimum', 'exclusiveMaximum', 'exclusiveMinimum', 'format', 'x-max-decimal-places']],
  ['string', ['maxLength', 'minLength', 'pattern', 'format']],
  ['array', ['maxItems', 'minItems', 'items']],
  ['object', ['maxProperties', 'minProperties', 'required', 'additionalProperties', 'properties', 'unevaluatedProperties']],
];

const COMPARISONS: Record<string, [string, (value: number, limit: number) => boolean]> = {
  maximum: ['<=', (value, limit) => value <= limit],
  minimum: ['>=', (value, limit) => value >= limit],
  exclusiveMaximum: ['<', (value, limit) => value < limit],
  exclusiveMinimum: ['>', (value, limit) => value > limit],
};

/** Digits after the point of a number as JSON writes it, its exponent applied: 0.07 → 2, 1e-9 → 9, 1e21 → 0. */
export function decimalPlaces(value: number): number {
  const [mantissa = '', exponent = '0'] = String(value).split('e');
  return Math.max(0, (mantissa.split('.')[1] ?? '').length - Number(exponent));
}

/** Length in code points, as ajv counts it (an emoji is one character). */
const codePoints = (text: string): number => {
  let length = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    if ((text.charCodeAt(i) & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) length--, i++;
  }
  return length;
};

const SIZES: Record<string, [unit: string, size: (data: any) => number]> = {
  Length: ['characters', codePoints],
  Items: ['items', (data) => data.length],
  Properties: ['properties', (data) => Object.keys(data).length],
};

const pointerSegment = (key: string) => `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;

const deepEqual = (a: any, b: any): boolean =>
  a === b ||
  (a && b && typeof a === 'object' && typeof b === 'object'
    ? Array.isArray(a) === Array.isArray(b) && Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((key) => key in b && deepEqual(a[key], b[key]))
    : a !== a && b !== b);

function merge(into: Evaluated | undefined, from: Evaluated | undefined): void {
  if (!into || !from || into === from) return;
  for (const name of from) into.add(name);
  if (from.all) into.all = true;
}

/**
 * Compiles schemas that may `$ref` one another (`resolve` finds a reference's target); a target is compiled
 * once, when first reached, and shared by every schema that refers to it.
 */
export function createSchemaCompiler(resolve: (ref: string) => JsonSchema, formats: SchemaFormats): (schema: JsonSchema) => SchemaCheck {
  const { strings = {}, numbers = {} } = formats;
  const compiled = new Map<JsonSchema, SchemaCheck>();

  function compile(schema: JsonSchema): SchemaCheck {
    let check = compiled.get(schema);
    if (!check) {
      // A placeholder first, so a schema that refers to itself compiles.
      compiled.set(schema, (...args) => check!(...args));
      check = build(schema);
      compiled.set(schema, check);
    }
    return check;
  }

  function build(schema: JsonSchema): SchemaCheck {
    if (schema === true) return () => true;
    if (schema === false) return (_data, path, issues) => !issues.push({ instancePath: path.join(''), keyword: 'false schema', params: {}, message: 'boolean schema is false' });
    const fail = (issues: ValidationIssue[], path: string[], keyword: string, params: Record<string, unknown>, message: string) =>
      void issues.push({ instancePath: path.join(''), keyword, params, message, parentSchema: schema });

    const declared = schema.type as string | string[] | undefined;
    const types = declared === undefined ? [] : ([] as string[]).concat(declared);
    const checks = types.map((type) => IS_TYPE[type]!);
    const typeStep: Step = (data, path, issues) => checks.some((is) => is(data)) || fail(issues, path, 'type', { type: declared }, `must be ${types}`);
    const groups = GROUPS.map(([type, keywords]) => [type, keywords.filter((keyword) => keyword in schema)] as const).filter(([, keywords]) => keywords.length > 0);
    // ajv reports a wrong type up front, unless the one type declared has keywords of its own group: then
    // where that group runs.
    const typeInGroup = types.length === 1 && groups.some(([type]) => type === types[0]);
    const steps: Step[] = types.length > 0 && !typeInGroup ? [typeStep] : [];
    for (const keyword of UNTYPED) if (keyword in schema) steps.push(keywordStep(keyword, schema, fail));
    for (const [type, keywords] of groups) {
      // A string format in the number group never fails: no step for it, so a string with a format costs
      // what it did before numbers had formats.
      const groupSteps = keywords.filter((keyword) => !(keyword === 'format' && type === 'number' && !(String(schema.format) in numbers))).map((keyword) => keywordStep(keyword, schema, fail));
      const is = IS_TYPE[type]!;
      const wrongType = typeInGroup && types[0] === type ? typeStep : undefined;
      if (groupSteps.length === 0 && !wrongType) continue;
      steps.push((data, path, issues, evaluated) => {
        if (is(data)) for (const step of groupSteps) step(data, path, issues, evaluated);
        else wrongType?.(data, path, issues, evaluated);
      });
    }
    const tracksEvaluated = 'unevaluatedProperties' in schema;
    const check: SchemaCheck = (data, path, issues, evaluated) => {
      const before = issues.length;
      // With `unevaluatedProperties`, this schema keeps its own record of evaluated names, passed up after.
      const own: Evaluated | undefined = tracksEvaluated && isPlainObject(data) ? new Set() : evaluated;
      for (const step of steps) step(data, path, issues, own);
      merge(evaluated, own);
      return issues.length === before;
    };
    // A number or integer with at most `minimum` and `maximum` (a page's skip and limit; every number in the
    // REST requests' schemas today): first one inline test, and only data that fails it goes through the
    // steps (which report as ajv does). Over loopback, with caches cold between calls, the steps' closures
    // (the wrapper, the type, the group, each bound, the shared tests they call) cost a few µs per such
    // parameter (npm run bench: ~1% of the listClients GET for its two); this test, next to nothing.
    const keys = Object.keys(schema);
    // An object of declared properties, closed or not (every operation's path and query, and its whole input,
    // as request-validators.ts builds them): the same, without the steps of its own keywords; what its
    // properties' checks report is taken back if any fails, and the steps run. Not when a parent tracks
    // evaluated names.
    if (declared === 'object' && (schema.additionalProperties ?? false) === false && keys.every((keyword) => /^(type|properties|required|additionalProperties)$/.test(keyword))) {
      const declaredProperties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const properties = Object.keys(declaredProperties).map((name) => [name, compile(declaredProperties[name]!)] as const);
      const required = (schema.required ?? []) as string[];
      const closed = 'additionalProperties' in schema;
      return (data: any, path, issues, evaluated) => {
        const before = issues.length;
        let valid = !evaluated && isPlainObject(data);
        for (const name of valid ? required : []) valid &&= data[name] !== undefined;
        if (valid && closed) for (const name in data) valid &&= Object.prototype.hasOwnProperty.call(declaredProperties, name);
        for (const [name, property] of valid ? properties : []) valid &&= data[name] === undefined || property(data[name], path, issues);
        if (valid) return true;
        issues.length = before;
        return check(data, path, issues, evaluated);
      };
    }
    const integer = declared === 'integer';
    if (!(integer || declared === 'number') || !keys.every((keyword) => keyword === 'type' || keyword === 'minimum' || keyword === 'maximum')) return check;
    const { minimum = -Infinity, maximum = Infinity } = schema as Record<string, number>;
    return (data, path, issues, evaluated) =>
      (typeof data === 'number' && !(integer && data % 1) && data >= minimum && data <= maximum) || check(data, path, issues, evaluated);
  }

  function keywordStep(keyword: string, schema: SchemaObject, fail: (issues: ValidationIssue[], path: string[], keyword: string, params: Record<string, unknown>, message: string) => void): Step {
    const value = schema[keyword] as any;
    const comparison = COMPARISONS[keyword];
    if (comparison) {
      const [operator, holds] = comparison;
      return (data, path, issues) => holds(data, value) || fail(issues, path, keyword, { comparison: operator, limit: value }, `must be ${operator} ${value}`);
    }
    const size = SIZES[keyword.slice(3)];
    if (size) {
      const max = keyword.startsWith('max');
      const message = `must NOT have ${max ? 'more' : 'fewer'} than ${value} ${size[0]}`;
      return (data, path, issues) => {
        const count = size[1](data);
        if (max ? count > value : count < value) fail(issues, path, keyword, { limit: value }, message);
      };
    }
    switch (keyword) {
      case 'x-max-decimal-places':
        return (data, path, issues) => decimalPlaces(data) <= value || fail(issues, path, keyword, { limit: value }, `must have at most ${value} decimal places`);
      case '$ref': {
        let target: SchemaCheck | undefined;
        return (data, path, issues, evaluated) => void (target ??= compile(resolve(value)))(data, path, issues, evaluated);
      }
      case 'const':
        return (data, path, issues) => deepEqual(data, value) || fail(issues, path, keyword, { allowedValue: value }, 'must be equal to constant');
      case 'enum':
        return (data, path, issues) => value.some((allowed: unknown) => deepEqual(data, allowed)) || fail(issues, path, keyword, { allowedValues: value }, 'must be equal to one of the allowed values');
      case 'not': {
        const not = compile(value);
        return (data, path, issues) => {
          const before = issues.length;
          const valid = not(data, path, issues);
          issues.length = before;
          if (valid) fail(issues, path, keyword, {}, 'must NOT be valid');
        };
      }
      case 'allOf': {
        const branches = (value as JsonSchema[]).map(compile);
        return (data, path, issues, evaluated) => branches.forEach((branch) => branch(data, path, issues, evaluated));
      }
      case 'anyOf':
      case 'oneOf': {
        const branches = (value as JsonSchema[]).map(compile);
        return (data, path, issues, evaluated) => {
          const before = issues.length;
          let valid = false;
          let passing: number | number[] | null = null;
          branches.forEach((branch, index) => {
            const seen: Evaluated | undefined = evaluated && new Set();
            const branchValid = branch(data, path, issues, seen);
            // ajv's oneOf bookkeeping, quirks included: a third passing branch makes it valid again.
            if (keyword === 'oneOf' && branchValid && valid) {
              valid = false;
              passing = [passing as number, index];
            } else if (branchValid) {
              valid = true;
              passing = index;
              merge(evaluated, seen);
            }
          });
          if (valid) issues.length = before;
          else if (keyword === 'oneOf') fail(issues, path, keyword, { passingSchemas: passing }, 'must match exactly one schema in oneOf');
          else fail(issues, path, keyword, {}, 'must match a schema in anyOf');
        };
      }
      case 'pattern': {
        const regex = new RegExp(value, 'u');
        return (data, path, issues) => regex.test(data) || fail(issues, path, keyword, { pattern: value }, `must match pattern "${value}"`);
      }
      case 'format': {
        // Built once per group: the step of the number group meets numbers only, that of the string group strings.
        const ofString = strings[value];
        const ofNumber = numbers[value];
        // A format this compiler has no check for would let anything through: refused, unless it only describes.
        if (!ofString && !ofNumber && !ANNOTATION_FORMATS.has(value)) throw new Error(`schema format "${value}" has no check here`);
        const holds = (data: unknown) => (typeof data === 'number' ? (ofNumber?.(data) ?? true) : (ofString?.(data as string) ?? true));
        return (data, path, issues) => holds(data) || fail(issues, path, keyword, { format: value }, `must match format "${value}"`);
      }
      case 'items': {
        const items = compile(value);
        return (data: unknown[], path, issues) =>
          data.forEach((item, index) => {
            path.push(`/${index}`);
            items(item, path, issues);
            path.pop();
          });
      }
      case 'required':
        return (data, path, issues) => {
          for (const name of value) if (data[name] === undefined) fail(issues, path, keyword, { missingProperty: name }, `must have required property '${name}'`);
        };
      case 'properties': {
        const checks = Object.keys(value).map((name) => [name, compile(value[name]), pointerSegment(name)] as const);
        return (data, path, issues, evaluated) => {
          for (const [name, check, segment] of checks) {
            if (data[name] !== undefined) {
              path.push(segment);
              check(data[name], path, issues);
              path.pop();
            }
            evaluated?.add(name);
          }
        };
      }
      default: {
        // additionalProperties, unevaluatedProperties: each property not covered must pass `value`.
        const additional = keyword === 'additionalProperties';
        const declared = (schema.properties ?? {}) as object;
        const other = value === false ? undefined : compile(value);
        const param = additional ? 'additionalProperty' : 'unevaluatedProperty';
        const message = `must NOT have ${additional ? 'additional' : 'unevaluated'} properties`;
        return (data, path, issues, evaluated) => {
          if (value === true || (!additional && evaluated?.all)) return;
          for (const name in data) {
            if (additional ? Object.prototype.hasOwnProperty.call(declared, name) : evaluated?.has(name)) continue;
            if (other) {
              path.push(pointerSegment(name));
              other(data[name], path, issues);
              path.pop();
            } else fail(issues, path, keyword, { [param]: name }, message);
          }
          if (additional && evaluated) evaluated.all = true;
        };
      }
    }
  }

  return compile;
}
