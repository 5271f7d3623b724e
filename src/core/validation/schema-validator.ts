// A small JSON Schema (2020-12) validator for the request schemas: each schema is compiled once into closures,
// and the generated code carries only the schemas, a schema used in several places written once, instead of
// ajv's inlined code per operation (a twentieth of the size). It reports what ajv reported, in ajv's order
// (instancePath, keyword, params), each issue with the rule it breaks in the words a CrmValidationError
// shows (ajv's message, but for `required`, an unknown field, `enum`, `pattern` and `not`, worded for a
// reader); a test compares the two on every operation. The generator refuses a schema with a keyword or type
// this does not implement, so no rule goes unchecked.
// One keyword is ours: `x-max-decimal-places` (money that a decimal(20,8) must hold exactly), which ajv
// learns from the equivalence test; standard `multipleOf` cannot say it (0.07 / 1e-8 is not an integer in
// floating point, so ajv and Prism would refuse 0.07).
import { isPlainObject } from '../plain-object';
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

type Step = (data: any, path: string[], issues: ValidationIssue[], evaluated: Evaluated | undefined) => unknown;

/**
 * What a compiler is given beyond the keywords every schema may use: the check of each format its schemas
 * use (formats.ts has each API's set), and `alternatives` when they have `anyOf` or `oneOf`. A schema that
 * needs what it was not given fails its compile (the generator and the equivalence test compile every
 * operation with its API's set) instead of passing unchecked; a bundle carries only what its sets name.
 */
export interface SchemaFormats {
  strings?: Record<string, (text: string) => boolean>;
  numbers?: Record<string, (value: number) => boolean>;
  alternatives?: typeof alternatives;
}

/** Formats that only describe (a password field is masked in a UI): nothing to check. */
export const ANNOTATION_FORMATS = new Set(['password']);

/** An issue: where (the path joined into a JSON pointer), which keyword, its parameters (ajv's), the rule broken. */
const issueAt = (path: string[], keyword: string, params: Record<string, unknown>, message: string): ValidationIssue => ({ instancePath: path.join(''), keyword, params, message });

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

/** The comparison each bound asks of a number, as ajv words it. */
const COMPARISONS: Record<string, string> = { maximum: '<=', minimum: '>=', exclusiveMaximum: '<', exclusiveMinimum: '>' };

/** Digits after the point of a number as JSON writes it, its exponent applied: 0.07 → 2, 1e-9 → 9, 1e21 → 0. */
export function decimalPlaces(value: number): number {
  const [mantissa = '', exponent = '0'] = String(value).split('e');
  return Math.max(0, (mantissa.split('.')[1] ?? '').length - Number(exponent));
}

/** Length in code points, as ajv counts it (an emoji is one character). */
const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;
const codePoints = (text: string): number => text.length - (text.match(SURROGATE_PAIR)?.length ?? 0);

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

/** The step of an `anyOf` or `oneOf` of the compiled `branches` (see SchemaFormats). */
export function alternatives(keyword: 'anyOf' | 'oneOf', branches: SchemaCheck[]): Step {
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
    else if (keyword === 'oneOf') issues.push(issueAt(path, keyword, { passingSchemas: passing }, 'must match exactly one schema in oneOf'));
    else issues.push(issueAt(path, keyword, {}, 'must match a schema in anyOf'));
  };
}

/**
 * Compiles schemas that may `$ref` one another (`resolve` finds a reference's target); a target is compiled
 * once, when first reached, and shared by every schema that refers to it.
 */
export function createSchemaCompiler(resolve: (ref: string) => JsonSchema, formats: SchemaFormats): (schema: JsonSchema) => SchemaCheck {
  const { strings = {}, numbers = {}, alternatives } = formats;
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
    if (schema === false) return (_data, path, issues) => !issues.push(issueAt(path, 'false schema', {}, 'boolean schema is false'));
    const declared = schema.type as string | string[] | undefined;
    const types = declared === undefined ? [] : ([] as string[]).concat(declared);
    const checks = types.map((type) => IS_TYPE[type]!);
    const typeStep: Step = (data, path, issues) => checks.some((is) => is(data)) || issues.push(issueAt(path, 'type', { type: declared }, `must be ${types}`));
    const groups = GROUPS.map(([type, keywords]) => [type, keywords.filter((keyword) => keyword in schema)] as const).filter(([, keywords]) => keywords.length > 0);
    // ajv reports a wrong type up front, unless the one type declared has keywords of its own group: then
    // where that group runs.
    const typeInGroup = types.length === 1 && groups.some(([type]) => type === types[0]);
    const steps: Step[] = types.length > 0 && !typeInGroup ? [typeStep] : [];
    for (const keyword of UNTYPED) if (keyword in schema) steps.push(keywordStep(keyword, schema));
    for (const [type, keywords] of groups) {
      // A string format in the number group never fails: no step for it, so a string with a format costs
      // what it did before numbers had formats.
      const groupSteps = keywords.filter((keyword) => !(keyword === 'format' && type === 'number' && !(String(schema.format) in numbers))).map((keyword) => keywordStep(keyword, schema));
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
        if (valid && closed) for (const name in data) valid &&= Object.hasOwn(declaredProperties, name);
        for (const [name, property] of valid ? properties : []) valid &&= data[name] === undefined || property(data[name], path, issues);
        if (valid) return true;
        issues.length = before;
        return check(data, path, issues, evaluated);
      };
    }
    // A number or integer with at most `minimum` and `maximum` (a page's skip and limit; every number in the
    // REST requests' schemas today): first one inline test, and only data that fails it goes through the
    // steps (which report as ajv does). Over loopback, with caches cold between calls, the steps' closures
    // (the wrapper, the type, the group, each bound, the shared tests they call) cost a few µs per such
    // parameter (npm run bench: ~1% of the listClients GET for its two); this test, next to nothing.
    const integer = declared === 'integer';
    if (!(integer || declared === 'number') || !keys.every((keyword) => keyword === 'type' || keyword === 'minimum' || keyword === 'maximum')) return check;
    const { minimum = -Infinity, maximum = Infinity } = schema as Record<string, number>;
    return (data, path, issues, evaluated) =>
      (typeof data === 'number' && !(integer && data % 1) && data >= minimum && data <= maximum) || check(data, path, issues, evaluated);
  }

  function keywordStep(keyword: string, schema: SchemaObject): Step {
    const value = schema[keyword] as any;
    // A pattern's (or a `not`'s) rule in words, when the spec gives one (`x-rule`).
    const rule = typeof schema['x-rule'] === 'string' ? schema['x-rule'] : undefined;
    // Most keywords are one test of the data, whose failure is the same issue each time.
    const test = (holds: (data: any) => boolean, params: Record<string, unknown>, message: string): Step => (data, path, issues) => holds(data) || issues.push(issueAt(path, keyword, params, message));
    const comparison = COMPARISONS[keyword];
    if (comparison) {
      const holds = (data: number) => (comparison === '<=' ? data <= value : comparison === '>=' ? data >= value : comparison === '<' ? data < value : data > value);
      return test(holds, { comparison, limit: value }, `must be ${comparison} ${value}`);
    }
    const size = SIZES[keyword.slice(3)];
    if (size) {
      const max = keyword.startsWith('max');
      return test((data) => (max ? size[1](data) <= value : size[1](data) >= value), { limit: value }, `must NOT have ${max ? 'more' : 'fewer'} than ${value} ${size[0]}`);
    }
    switch (keyword) {
      case 'x-max-decimal-places':
        return test((data) => decimalPlaces(data) <= value, { limit: value }, `must have at most ${value} decimal places`);
      case '$ref': {
        // A name, or (in the request schemas, which need no table of names) the schema it names.
        let target: SchemaCheck | undefined;
        return (data, path, issues, evaluated) => void (target ??= compile(typeof value === 'string' ? resolve(value) : value))(data, path, issues, evaluated);
      }
      case 'const':
        return test((data) => deepEqual(data, value), { allowedValue: value }, 'must be equal to constant');
      case 'enum':
        return test((data) => value.some((allowed: unknown) => deepEqual(data, allowed)), { allowedValues: value }, `must be one of: ${value.map((allowed: unknown) => JSON.stringify(allowed)).join(', ')}`);
      case 'not': {
        const not = compile(value);
        // What the excluded schema would say is of no interest: only whether it holds.
        return test((data) => !not(data, [], []), {}, rule ?? 'must match pattern');
      }
      case 'allOf': {
        const branches = (value as JsonSchema[]).map(compile);
        return (data, path, issues, evaluated) => branches.forEach((branch) => branch(data, path, issues, evaluated));
      }
      case 'anyOf':
      case 'oneOf':
        if (!alternatives) throw new Error(`schema keyword ${keyword} has no check here`);
        return alternatives(keyword, (value as JsonSchema[]).map(compile));
      case 'pattern': {
        const regex = new RegExp(value, 'u');
        return test((data) => regex.test(data), { pattern: value }, rule ?? `must match pattern ${value}`.trim());
      }
      case 'format': {
        // Built once per group: the step of the number group meets numbers only, that of the string group strings.
        const ofString = strings[value];
        const ofNumber = numbers[value];
        // A format this compiler has no check for would let anything through: refused, unless it only describes.
        if (!ofString && !ofNumber && !ANNOTATION_FORMATS.has(value)) throw new Error(`schema format "${value}" has no check here`);
        return test((data) => (typeof data === 'number' ? (ofNumber?.(data) ?? true) : (ofString?.(data) ?? true)), { format: value }, `must match format "${value}"`);
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
          for (const name of value) if (data[name] === undefined) issues.push(issueAt(path, keyword, { missingProperty: name }, 'is required'));
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
        return (data, path, issues, evaluated) => {
          if (value === true || (!additional && evaluated?.all)) return;
          for (const name in data) {
            if (additional ? Object.hasOwn(declared, name) : evaluated?.has(name)) continue;
            if (other) {
              path.push(pointerSegment(name));
              other(data[name], path, issues);
              path.pop();
            } else issues.push(issueAt(path, keyword, { [param]: name }, 'is not a known field'));
          }
          if (additional && evaluated) evaluated.all = true;
        };
      }
    }
  }

  return compile;
}
