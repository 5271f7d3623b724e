// A small JSON Schema (2020-12) validator for the request schemas: each schema is compiled once into closures,
// and the generated code carries only the schemas, shared between operations through `$ref`, instead of
// ajv's inlined code per operation (a tenth of the size). It reports what ajv reported, in ajv's order and
// words (instancePath, keyword, params, message); a test compares the two on every operation. A keyword
// it does not know throws when the schema is compiled, so the build fails instead of a rule going unchecked.
import { FORMATS } from './schema-formats';
import type { ValidationIssue } from './validation-types';

export type JsonSchema = boolean | SchemaObject;
export interface SchemaObject {
  [keyword: string]: unknown;
}

/** Names of the properties of the object at hand that some keyword evaluated (for `unevaluatedProperties`). */
type Evaluated = Set<string> & { all?: boolean };

/** Checks `data`, found at `path`; appends what is wrong to `issues`; true when nothing was appended. */
export type SchemaCheck = (data: unknown, path: string, issues: ValidationIssue[], evaluated?: Evaluated) => boolean;

type Step = (data: unknown, path: string, issues: ValidationIssue[], evaluated: Evaluated | undefined) => void;

const isObject = (data: unknown): data is Record<string, unknown> => data !== null && typeof data === 'object' && !Array.isArray(data);

const IS_TYPE: Record<string, (data: unknown) => boolean> = {
  string: (data) => typeof data === 'string',
  number: (data) => typeof data === 'number',
  integer: (data) => typeof data === 'number' && !(data % 1) && !Number.isNaN(data),
  boolean: (data) => typeof data === 'boolean',
  null: (data) => data === null,
  object: isObject,
  array: Array.isArray,
};

// ajv checks keywords in groups: untyped ones first, then those of numbers, strings, arrays and objects,
// each group only when the data is of its type. The order within a group is ajv's too.
const UNTYPED = ['$ref', 'const', 'enum', 'not', 'anyOf', 'oneOf', 'allOf'];
const GROUPS: [type: string, keywords: string[]][] = [
  ['number', ['maximum', 'minimum', 'exclusiveMaximum', 'exclusiveMinimum']],
  ['string', ['maxLength', 'minLength', 'pattern', 'format']],
  ['array', ['maxItems', 'minItems', 'items']],
  ['object', ['maxProperties', 'minProperties', 'required', 'additionalProperties', 'properties', 'unevaluatedProperties']],
];
const ANNOTATIONS = new Set(['type', 'title', 'description', 'default', 'examples', 'example', 'deprecated', 'readOnly', 'writeOnly', 'discriminator', '$comment']);
const KNOWN = new Set([...UNTYPED, ...GROUPS.flatMap(([, keywords]) => keywords), ...ANNOTATIONS]);

const COMPARISON: Record<string, [string, (value: number, limit: number) => boolean]> = {
  maximum: ['<=', (value, limit) => value > limit],
  minimum: ['>=', (value, limit) => value < limit],
  exclusiveMaximum: ['<', (value, limit) => value >= limit],
  exclusiveMinimum: ['>', (value, limit) => value <= limit],
};

const pointerSegment = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Length in code points, as ajv counts it (an emoji is one character). */
function codePoints(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++, length++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return length;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return a !== a && b !== b;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/**
 * Compiles schemas that may `$ref` one another (`resolve` finds a reference's target); a target is compiled
 * once, when first reached, and shared by every schema that refers to it.
 */
export function createSchemaCompiler(resolve: (ref: string) => JsonSchema): (schema: JsonSchema) => SchemaCheck {
  const compiled = new Map<JsonSchema, SchemaCheck>();

  function compile(schema: JsonSchema): SchemaCheck {
    let check = compiled.get(schema);
    if (!check) {
      // Placeholder first, so a schema that refers to itself compiles.
      let inner: SchemaCheck | undefined;
      compiled.set(schema, (data, path, issues, evaluated) => inner!(data, path, issues, evaluated));
      inner = build(schema);
      compiled.set(schema, inner);
      check = inner;
    }
    return check;
  }

  function build(schema: JsonSchema): SchemaCheck {
    if (schema === true) return () => true;
    if (schema === false) {
      return (_data, path, issues) => {
        issues.push({ instancePath: path, keyword: 'false schema', params: {}, message: 'boolean schema is false' });
        return false;
      };
    }
    for (const keyword of Object.keys(schema)) {
      if (!KNOWN.has(keyword) && !keyword.startsWith('x-')) throw new Error(`schema keyword \`${keyword}\` is not supported by the request validator`);
    }
    const fail = (issues: ValidationIssue[], path: string, keyword: string, params: Record<string, unknown>, message: string) =>
      void issues.push({ instancePath: path, keyword, params, message, parentSchema: schema });

    const declared = schema.type;
    const types = declared === undefined ? [] : Array.isArray(declared) ? (declared as string[]) : [declared as string];
    for (const type of types) if (!IS_TYPE[type]) throw new Error(`schema type \`${type}\` is not supported by the request validator`);
    const typeMessage = `must be ${types.join(',')}`;
    const reportType = (data: unknown, path: string, issues: ValidationIssue[]) => fail(issues, path, 'type', { type: declared }, typeMessage);
    const used = (keywords: string[]) => keywords.some((keyword) => keyword in schema);
    // ajv reports a wrong type up front, unless the one type declared has keywords of its own group: then
    // where that group would run.
    const typeHasGroup = types.length === 1 && GROUPS.some(([type, keywords]) => type === types[0] && used(keywords));
    const steps: Step[] = [];
    if (types.length > 0 && !typeHasGroup) {
      const checks = types.map((type) => IS_TYPE[type]!);
      steps.push((data, path, issues) => {
        if (!checks.some((is) => is(data))) reportType(data, path, issues);
      });
    }
    steps.push(...untypedSteps(schema, fail));
    for (const [type, keywords] of GROUPS) {
      if (!used(keywords)) continue;
      const groupSteps = groupStepsOf(type, schema, fail);
      const is = IS_TYPE[type]!;
      const wrongTypeHere = typeHasGroup && types[0] === type;
      steps.push((data, path, issues, evaluated) => {
        if (is(data)) for (const step of groupSteps) step(data, path, issues, evaluated);
        else if (wrongTypeHere) reportType(data, path, issues);
      });
    }
    const tracksEvaluated = 'unevaluatedProperties' in schema;
    return (data, path, issues, evaluated) => {
      const before = issues.length;
      // This schema's own record of evaluated properties when it has `unevaluatedProperties`; passed up after.
      const own: Evaluated | undefined = tracksEvaluated && isObject(data) ? new Set() : evaluated;
      for (const step of steps) step(data, path, issues, own);
      if (own !== evaluated && evaluated) {
        for (const name of own!) evaluated.add(name);
        if (own!.all) evaluated.all = true;
      }
      return issues.length === before;
    };
  }

  function untypedSteps(schema: SchemaObject, fail: (issues: ValidationIssue[], path: string, keyword: string, params: Record<string, unknown>, message: string) => void): Step[] {
    const steps: Step[] = [];
    if (typeof schema.$ref === 'string') {
      const ref = schema.$ref;
      let target: SchemaCheck | undefined;
      steps.push((data, path, issues, evaluated) => void (target ??= compile(resolve(ref)))(data, path, issues, evaluated));
    }
    if ('const' in schema) {
      const allowed = schema.const;
      steps.push((data, path, issues) => {
        if (!deepEqual(data, allowed)) fail(issues, path, 'const', { allowedValue: allowed }, 'must be equal to constant');
      });
    }
    if (Array.isArray(schema.enum)) {
      const allowed = schema.enum as unknown[];
      steps.push((data, path, issues) => {
        if (!allowed.some((value) => deepEqual(data, value))) fail(issues, path, 'enum', { allowedValues: allowed }, 'must be equal to one of the allowed values');
      });
    }
    if (schema.not !== undefined) {
      const not = compile(schema.not as JsonSchema);
      steps.push((data, path, issues) => {
        const before = issues.length;
        const valid = not(data, path, issues);
        issues.length = before;
        if (valid) fail(issues, path, 'not', {}, 'must NOT be valid');
      });
    }
    for (const keyword of ['anyOf', 'oneOf'] as const) {
      if (!Array.isArray(schema[keyword])) continue;
      const branches = (schema[keyword] as JsonSchema[]).map(compile);
      steps.push((data, path, issues, evaluated) => {
        const before = issues.length;
        let valid = false;
        let passing: number | number[] | null = null;
        branches.forEach((branch, index) => {
          const seen: Evaluated | undefined = evaluated && new Set();
          const branchValid = branch(data, path, issues, seen);
          // ajv's oneOf bookkeeping, quirks included: a third passing branch makes it valid again.
          if (keyword === 'oneOf' && index > 0 && branchValid && valid) {
            valid = false;
            passing = [passing as number, index];
          } else if (branchValid) {
            valid = true;
            passing = index;
            if (evaluated && seen) {
              for (const name of seen) evaluated.add(name);
              if (seen.all) evaluated.all = true;
            }
          }
        });
        if (valid) issues.length = before;
        else if (keyword === 'oneOf') fail(issues, path, 'oneOf', { passingSchemas: passing }, 'must match exactly one schema in oneOf');
        else fail(issues, path, 'anyOf', {}, 'must match a schema in anyOf');
      });
    }
    if (Array.isArray(schema.allOf)) {
      const branches = (schema.allOf as JsonSchema[]).map(compile);
      steps.push((data, path, issues, evaluated) => {
        for (const branch of branches) branch(data, path, issues, evaluated);
      });
    }
    return steps;
  }

  function groupStepsOf(type: string, schema: SchemaObject, fail: (issues: ValidationIssue[], path: string, keyword: string, params: Record<string, unknown>, message: string) => void): Step[] {
    const steps: Step[] = [];
    const limit = (keyword: string) => schema[keyword] as number;
    if (type === 'number') {
      for (const keyword of ['maximum', 'minimum', 'exclusiveMaximum', 'exclusiveMinimum']) {
        if (!(keyword in schema)) continue;
        const [comparison, breaks] = COMPARISON[keyword]!;
        const bound = limit(keyword);
        steps.push((data, path, issues) => {
          if (breaks(data as number, bound) || Number.isNaN(data)) fail(issues, path, keyword, { comparison, limit: bound }, `must be ${comparison} ${bound}`);
        });
      }
    } else if (type === 'string') {
      for (const keyword of ['maxLength', 'minLength']) {
        if (!(keyword in schema)) continue;
        const bound = limit(keyword);
        const max = keyword === 'maxLength';
        steps.push((data, path, issues) => {
          const length = codePoints(data as string);
          if (max ? length > bound : length < bound) fail(issues, path, keyword, { limit: bound }, `must NOT have ${max ? 'more' : 'fewer'} than ${bound} characters`);
        });
      }
      if (typeof schema.pattern === 'string') {
        const pattern = schema.pattern;
        const regex = new RegExp(pattern, 'u');
        steps.push((data, path, issues) => {
          if (!regex.test(data as string)) fail(issues, path, 'pattern', { pattern }, `must match pattern "${pattern}"`);
        });
      }
      const format = schema.format as string | undefined;
      const test = format === undefined ? undefined : FORMATS[format];
      if (format !== undefined && test) {
        steps.push((data, path, issues) => {
          if (!test(data as string)) fail(issues, path, 'format', { format }, `must match format "${format}"`);
        });
      }
    } else if (type === 'array') {
      for (const keyword of ['maxItems', 'minItems']) {
        if (!(keyword in schema)) continue;
        const bound = limit(keyword);
        const max = keyword === 'maxItems';
        steps.push((data, path, issues) => {
          const { length } = data as unknown[];
          if (max ? length > bound : length < bound) fail(issues, path, keyword, { limit: bound }, `must NOT have ${max ? 'more' : 'fewer'} than ${bound} items`);
        });
      }
      if (schema.items !== undefined) {
        const items = compile(schema.items as JsonSchema);
        steps.push((data, path, issues) => (data as unknown[]).forEach((item, index) => items(item, `${path}/${index}`, issues)));
      }
    } else {
      for (const keyword of ['maxProperties', 'minProperties']) {
        if (!(keyword in schema)) continue;
        const bound = limit(keyword);
        const max = keyword === 'maxProperties';
        steps.push((data, path, issues) => {
          const { length } = Object.keys(data as object);
          if (max ? length > bound : length < bound) fail(issues, path, keyword, { limit: bound }, `must NOT have ${max ? 'more' : 'fewer'} than ${bound} properties`);
        });
      }
      if (Array.isArray(schema.required)) {
        const required = schema.required as string[];
        steps.push((data, path, issues) => {
          for (const name of required) {
            if ((data as Record<string, unknown>)[name] === undefined) fail(issues, path, 'required', { missingProperty: name }, `must have required property '${name}'`);
          }
        });
      }
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const names = Object.keys(properties);
      const additional = schema.additionalProperties as JsonSchema | undefined;
      if (additional !== undefined && additional !== true) {
        const declared = (name: string) => Object.prototype.hasOwnProperty.call(properties, name);
        const other = additional === false ? undefined : compile(additional);
        steps.push((data, path, issues) => {
          for (const name in data as object) {
            if (declared(name)) continue;
            if (other) other((data as Record<string, unknown>)[name], `${path}/${pointerSegment(name)}`, issues);
            else fail(issues, path, 'additionalProperties', { additionalProperty: name }, 'must NOT have additional properties');
          }
        });
      }
      if (additional !== undefined) steps.push((_data, _path, _issues, evaluated) => void (evaluated && (evaluated.all = true)));
      if (schema.properties !== undefined) {
        const checks = names.map((name) => [name, compile(properties[name]!), `/${pointerSegment(name)}`] as const);
        steps.push((data, path, issues, evaluated) => {
          for (const [name, check, segment] of checks) {
            const value = (data as Record<string, unknown>)[name];
            if (value !== undefined) check(value, path + segment, issues);
            evaluated?.add(name);
          }
        });
      }
      const unevaluated = schema.unevaluatedProperties as JsonSchema | undefined;
      if (unevaluated !== undefined && unevaluated !== true) {
        const other = unevaluated === false ? undefined : compile(unevaluated);
        steps.push((data, path, issues, evaluated) => {
          if (evaluated?.all) return;
          for (const name in data as object) {
            if (evaluated?.has(name)) continue;
            if (other) other((data as Record<string, unknown>)[name], `${path}/${pointerSegment(name)}`, issues);
            else fail(issues, path, 'unevaluatedProperties', { unevaluatedProperty: name }, 'must NOT have unevaluated properties');
          }
        });
      }
    }
    return steps;
  }

  return compile;
}
