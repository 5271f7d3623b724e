// The request validators (a small schema interpreter over generated/<api>.request-schemas.ts) must say what
// ajv says about the same input, the whole JSON Schema of each operation: the same verdict and the same
// issues in the same order (path, keyword, params, and the rule told: ajv's message, or the words the client
// gives a few keywords, such as the `x-rule` that words a pattern). Inputs:
// each operation's examples and 400 seeded values per operation, grown from its schemas and bent out of them.
// The same for the response validators `crm-open-api verify` judges a CRM's answers with
// (generated/crm-rest.response-schemas.ts): every documented answer of every operation.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { requestSchemas as clientOauth } from '../generated/client-oauth.request-schemas';
import { requestSchemas as crmRest } from '../generated/crm-rest.request-schemas';
import { requestSchemas as exchangeRates } from '../generated/exchange-rates.request-schemas';
import { requestSchemas as externalWallets } from '../generated/external-wallets.request-schemas';
import { requestSchemas as psp } from '../generated/psp.request-schemas';
import { responseSchemas as crmRestResponses } from '../generated/crm-rest.response-schemas';
import { bundlePath, GENERATED } from '../scripts/lib/apis';
import { listOperations, resolveRef, type Json } from '../scripts/lib/openapi-document';
import { inputSchema } from '../scripts/lib/request-validators';
import { requestValidators, type RequestSchemas } from '../src/core/validation/request-validators';
import { CLIENT_OAUTH_FORMATS, CRM_REST_FORMATS, NO_FORMATS, type SchemaFormats } from '../src/core/validation/formats';
import { responseValidators } from '../src/testing/verify/response-validators';
import type { ValidationIssue } from '../src/core/validation/types';
import { seededRandom } from './harness/random';

// Each with the format checks the SDK gives its validators (formats.ts): a format missing from the set throws.
const APIS: [string, RequestSchemas, SchemaFormats][] = [
  ['crm-rest', crmRest, CRM_REST_FORMATS],
  ['client-oauth', clientOauth, CLIENT_OAUTH_FORMATS],
  ['psp', psp, NO_FORMATS],
  ['external-wallets', externalWallets, NO_FORMATS],
  ['exchange-rates', exchangeRates, NO_FORMATS],
];

type AjvIssue = { instancePath: string; keyword: string; params: Record<string, unknown>; message?: string; parentSchema?: Record<string, unknown> };

/**
 * The rule the client tells for one of ajv's issues: ajv's message, reworded for `required`, an unknown field,
 * `enum`, and a `pattern` or `not` (the spec's `x-rule` when it has one), as the package has always worded them.
 */
function ruleOf({ keyword, params, message, parentSchema }: AjvIssue): string {
  const custom = parentSchema?.['x-rule'];
  switch (keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return 'is not a known field';
    case 'enum':
      return `must be one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
    case 'not':
      return typeof custom === 'string' ? custom : `must match pattern ${String(params.pattern ?? '')}`.trim();
    default:
      return message!;
  }
}

// Ours carry the rule as the client tells it; ajv's get it from ruleOf.
const comparable = (issues: readonly ValidationIssue[] | null | undefined) => (issues ?? []).map(({ instancePath, keyword, params, message }) => ({ instancePath, keyword, params, rule: message }));
const comparableAjv = (issues: readonly AjvIssue[] | null | undefined) => (issues ?? []).map((issue) => ({ instancePath: issue.instancePath, keyword: issue.keyword, params: issue.params, rule: ruleOf(issue) }));

/** Texts tried against a pattern when a value that keeps to the schema is wanted. */
const PATTERN_CANDIDATES = ['USD', 'EUR', 'a'.repeat(43), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', '100.00', '250', '0.5', 'Ab3dE5gH', '3fA9kQ2z', '+35799123456', 'jane'];

/** Values shaped by a schema, often breaking it: missing and extra fields, wrong types, limits ±1, odd text. */
function makeSampler(bundle: Json, seed: number) {
  const random = seededRandom(seed);
  const oddValues = [null, true, 0, -1, 1.5, '', 'x', [], {}, '😀😀', 'a/b~c', Number.NaN];
  // `clean`: keep to the schema where it is easy to (required fields, enums, limits, examples) so that deep
  // valid paths are reached too; otherwise bend it.
  const sample = (node: Json | boolean | undefined, depth: number, clean: boolean): unknown => {
    if (node === undefined || typeof node === 'boolean' || (!clean && random.next() < 0.08) || depth > 6) return clean ? {} : random.pick(oddValues);
    const schema = resolveRef(bundle, node).node;
    const odds = clean ? 1 : 0.7;
    if (schema.const !== undefined && random.next() < odds) return schema.const;
    if (Array.isArray(schema.enum) && random.next() < odds) return random.pick(schema.enum);
    const examples = [...(schema.examples ?? []), ...(schema.example === undefined ? [] : [schema.example])];
    if (clean && examples.length && random.next() < 0.6) return random.pick(examples);
    for (const keyword of ['oneOf', 'anyOf', 'allOf']) {
      if (Array.isArray(schema[keyword]) && (keyword !== 'allOf' || random.next() < 0.5)) {
        if (keyword === 'allOf') return Object.assign({}, ...schema.allOf.map((branch: Json) => sample(branch, depth + 1, clean)).filter((v: unknown) => v && typeof v === 'object' && !Array.isArray(v)));
        return sample(random.pick(schema[keyword]), depth + 1, clean);
      }
    }
    const type = Array.isArray(schema.type) ? random.pick(schema.type) : schema.type;
    switch (type) {
      case 'object': {
        const value: Record<string, unknown> = {};
        for (const [name, property] of Object.entries((schema.properties ?? {}) as Json)) {
          const required = (schema.required ?? []).includes(name);
          if (clean ? required || random.next() < 0.5 : random.next() < (required ? 0.93 : 0.6)) value[name] = sample(property, depth + 1, clean);
        }
        if (!clean && random.next() < 0.15) value[random.pick(['extra', 'a/b', 'tilde~', '__x'])] = random.pick(oddValues);
        return value;
      }
      case 'array':
        return Array.from({ length: random.int(4) }, () => sample(schema.items, depth + 1, clean));
      case 'integer':
      case 'number': {
        const limits = [schema.minimum, schema.maximum, schema.exclusiveMinimum, schema.exclusiveMaximum].filter((v) => typeof v === 'number');
        // Mostly at a limit; sometimes well inside, where a fraction (0.5, 1e-9) survives the addition.
        const base = limits.length && random.next() < 0.7 ? random.pick(limits) : random.int(1000);
        if (clean) return typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : 1;
        return base + random.pick([-1, 0, 0, 1, 0.5, 250, 1e-9]);
      }
      case 'string': {
        if (clean && typeof schema.pattern === 'string') {
          const fits = PATTERN_CANDIDATES.filter((text) => new RegExp(schema.pattern, 'u').test(text));
          if (fits.length) return random.pick(fits);
        }
        if (clean) return schema.format === 'email' ? 'jane.doe@mail.test' : schema.format === 'uri' ? 'https://broker.test/cb' : schema.format === 'date' ? '2024-05-10' : 'a'.repeat(Math.max(schema.minLength ?? 1, Math.min(schema.maxLength ?? 8, 8)));
        if (schema.format === 'email') return random.pick(['jane.doe@mail.test', 'not-an-email', 'a@b', 'x@y.z', 'ü@mail.test']);
        if (schema.format === 'date') return random.pick(['2024-02-29', '2023-02-29', '2024-13-01', '2024-05-10', '10/05/2024']);
        if (schema.format === 'uri') return random.pick(['https://broker.test/callback', 'relative/path', 'https://x', 'mailto:a@b.test', 'http://[::1]:80/a']);
        if (typeof schema.pattern === 'string' && random.next() < 0.3) return random.pick(['0.10', '-12.5', '1e3', '100', 'abc', '12.345678901', '+1']);
        const length = random.pick([schema.minLength ?? 0, schema.maxLength ?? 12, (schema.minLength ?? 1) - 1, (schema.maxLength ?? 40) + 1, random.int(20)].filter((n) => n >= 0));
        return random.text(length);
      }
      case 'boolean':
        return clean || random.next() < 0.8 ? random.next() < 0.5 : 'true';
      case 'null':
        return null;
      default:
        return clean ? 'any' : random.pick(oddValues);
    }
  };
  return { sample, random };
}

/**
 * Our one keyword, as ajv learns it here: at most `limit` digits after the point of the number as JSON writes
 * it (JSON.stringify), its exponent applied.
 */
function addMaxDecimalPlaces(ajv: Ajv2020): void {
  const keyword = 'x-max-decimal-places';
  const check = (limit: number, data: number, parentSchema?: object): boolean => {
    const [, fraction = '', exponent = '0'] = /^-?\d+(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(JSON.stringify(data)) ?? [];
    const places = Math.max(0, fraction.length - Number(exponent));
    if (places <= limit) return true;
    validate.errors = [{ keyword, params: { limit }, message: `must have at most ${limit} decimal places`, parentSchema }];
    return false;
  };
  const validate: typeof check & { errors?: object[] } = check;
  ajv.addKeyword({ keyword, type: 'number', schemaType: 'number', errors: true, validate });
}

describe.each(APIS)('request validators of %s say what ajv says', (api, table, formats) => {
  const bundle = JSON.parse(readFileSync(bundlePath(GENERATED, api), 'utf8')) as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true, verbose: true });
  addFormats(ajv);
  ajv.addFormat('password', true);
  addMaxDecimalPlaces(ajv);
  const operations = listOperations(bundle);
  ajv.addSchema({ $id: 'requests', $defs: Object.fromEntries(operations.map((op) => [op.id, inputSchema(bundle, op)])), components: bundle.components });
  const ours = requestValidators(table, formats);

  it('covers exactly the operations of the spec', () => {
    expect(Object.keys(ours).sort()).toEqual(operations.map((op) => op.id).sort());
  });

  it.each(operations.map((op) => [op.id, op] as const))('%s: examples and 400 seeded inputs', (id, op) => {
    const reference = ajv.getSchema(`requests#/$defs/${id}`)!;
    const validate = ours[id]!;
    const { sample, random } = makeSampler(bundle, [...id].reduce((hash, c) => (hash * 31 + c.charCodeAt(0)) >>> 0, 7));
    const schema = inputSchema(bundle, op);
    const body = resolveRef(bundle, op.operation.requestBody ?? {}).node?.content?.['application/json'];
    const examples = [body?.example, ...Object.values((body?.examples ?? {}) as Json).map((e: Json) => resolveRef(bundle, e).node.value)].filter((e) => e !== undefined);
    const inputs: unknown[] = examples.map((example) => ({ path: {}, query: {}, body: example }));
    for (let i = 0; i < 400; i++) {
      const clean = i % 2 === 0;
      const input = { path: sample(schema.properties.path, 0, clean), query: sample(schema.properties.query, 0, clean), ...(schema.properties.body && (clean || random.next() < 0.9) ? { body: sample(schema.properties.body, 0, clean) } : {}) };
      inputs.push(!clean && random.next() < 0.04 ? random.pick([null, [], 'text', { path: {} }]) : input);
    }
    let invalid = 0;
    for (const input of inputs) {
      const expected = reference(input);
      const actual = validate(input as { path: object; query: object });
      expect({ input, valid: actual, issues: comparable(validate.errors) }).toEqual({ input, valid: expected, issues: comparableAjv(reference.errors as AjvIssue[]) });
      if (!expected) invalid++;
    }
    // Both kinds are exercised: inputs the spec accepts and inputs it refuses.
    expect(invalid).toBeGreaterThan(20);
    expect(invalid).toBeLessThan(inputs.length);
  });
});

describe('response validators of crm-rest say what ajv says', () => {
  const bundle = JSON.parse(readFileSync(bundlePath(GENERATED, 'crm-rest'), 'utf8')) as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true, verbose: true });
  addFormats(ajv);
  ajv.addFormat('password', true);
  const answers = listOperations(bundle).flatMap((op) =>
    Object.entries(op.operation.responses as Json).flatMap(([status, raw]) => {
      const media = resolveRef(bundle, raw).node.content?.['application/json'];
      return media?.schema ? [{ key: `${op.id} ${status}`, id: op.id, status: Number(status), media }] : [];
    }),
  );
  ajv.addSchema({ $id: 'responses', $defs: Object.fromEntries(answers.map(({ key, media }) => [key.replace(' ', '_'), media.schema])), components: bundle.components });
  const ours = responseValidators(crmRestResponses);

  it('covers every documented answer of every operation, and only those', () => {
    const documented = listOperations(bundle).flatMap((op) => Object.keys(op.operation.responses).map((status) => `${op.id} ${status}`));
    expect(Object.entries(crmRestResponses.operations).flatMap(([id, { responses }]) => Object.keys(responses).map((status) => `${id} ${status}`))).toEqual(documented);
  });

  it.each(answers.map((a) => [a.key, a] as const))('%s: examples and 120 seeded bodies', (key, { id, status, media }) => {
    const reference = ajv.getSchema(`responses#/$defs/${key.replace(' ', '_')}`)!;
    const { sample, random } = makeSampler(bundle, [...key].reduce((hash, c) => (hash * 31 + c.charCodeAt(0)) >>> 0, 11));
    const bodies: unknown[] = [media.example, ...Object.values((media.examples ?? {}) as Json).map((e: Json) => resolveRef(bundle, e).node.value)].filter((e) => e !== undefined);
    for (let i = 0; i < 120; i++) bodies.push(!(i % 2) || random.next() > 0.05 ? sample(media.schema, 0, i % 2 === 0) : random.pick([null, [], 'text', 1.5, 2 ** 40]));
    let invalid = 0;
    for (const body of bodies) {
      const expected = reference(body);
      const issues = ours.check(id, status, body);
      expect({ body, valid: issues.length === 0, issues: comparable(issues) }).toEqual({ body, valid: expected, issues: comparableAjv(reference.errors as AjvIssue[]) });
      if (!expected) invalid++;
    }
    // Both kinds are exercised: answers the spec documents and answers that break it.
    expect(invalid).toBeGreaterThan(4);
    expect(invalid).toBeLessThan(bodies.length);
  });
});
