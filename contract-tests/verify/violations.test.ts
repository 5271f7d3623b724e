// How an answer's violations are told: a JSONPath, the rule, what was expected and what came, as a type;
// a value only for a list or constant rule on a field that is neither secret nor personal, and only a code.
// Whether a violation is a guess of the spec: the operation is inferred, or the field (or one on the way to
// it) is marked `x-guess`.
import { ALL_FORMATS } from '../../src/core/validation/formats';
import { createSchemaCompiler, type JsonSchema } from '../../src/core/validation/schema-validator';
import type { ValidationIssue } from '../../src/core/validation/types';
import { isGuessedField } from '../../src/testing/verify/guessed-fields';
import { jsonPath, toViolations } from '../../src/testing/verify/violations';

const components: Record<string, JsonSchema> = {
  Kind: { type: 'string', enum: ['ib', 'trader'] },
  Guessed: { type: 'string', enum: ['mt4', 'mt5'], 'x-guess': true },
};
const resolve = (ref: string) => components[ref.replace('#/components/schemas/', '')]!;
const schema: JsonSchema = {
  type: 'object',
  required: ['id', 'stamp'],
  properties: {
    id: { type: 'string' },
    type: { $ref: '#/components/schemas/Kind' },
    email: { type: 'string', enum: ['a@b.test'] },
    holder: { type: 'object', properties: { last_name: { const: 'Doe' } } },
    stamp: { type: 'integer', 'x-guess': true },
    platform: { $ref: '#/components/schemas/Guessed' },
    accounts: { type: 'array', items: { type: 'object', properties: { login: { type: 'integer' }, group: { type: 'string', 'x-guess': true } }, additionalProperties: false } },
    label: { anyOf: [{ type: 'string' }, { type: 'object', additionalProperties: { type: 'string' } }] },
  },
};

function violations(body: unknown, inferred = false) {
  const issues: ValidationIssue[] = [];
  createSchemaCompiler(resolve, ALL_FORMATS)(schema)(body, [], issues);
  return toViolations(issues, body, { schema, resolve, inferred });
}

it('names the field, the rule, what was expected and what came; a code only where a list was broken', () => {
  expect(violations({ id: 7, type: 'partner', email: 'jane@mail.test', holder: { last_name: 'Smith' }, accounts: [{ login: '200118', extra: 'x' }] })).toEqual([
    { path: '$.stamp', rule: 'is required', expected: 'present', came: 'absent', guess: true },
    { path: '$.id', rule: 'must be string', expected: 'string', came: 'integer', guess: false },
    { path: '$.type', rule: 'must be one of: "ib", "trader"', expected: 'one of: "ib", "trader"', came: 'a string outside the list', guess: false, value: 'partner' },
    // A personal field: the value that came is not told.
    { path: '$.email', rule: 'must be one of: "a@b.test"', expected: 'one of: "a@b.test"', came: 'a string outside the list', guess: false },
    // A code, but of a personal field: not told either.
    { path: '$.holder.last_name', rule: 'must be equal to constant', expected: '"Doe"', came: 'another string', guess: false },
    { path: '$.accounts[0].extra', rule: 'is not a known field', expected: 'no field of that name', came: 'a field (string)', guess: false },
    { path: '$.accounts[0].login', rule: 'must be integer', expected: 'integer', came: 'string', guess: false },
  ]);
});

it('tells no value that is not a short code', () => {
  const long = violations({ id: 'x', stamp: 1, type: 'a partner with spaces' });
  expect(long).toEqual([expect.not.objectContaining({ value: expect.anything() })]);
  expect(violations({ id: 'x', stamp: 1, type: 'x'.repeat(41) })[0]).not.toHaveProperty('value');
});

it('marks a violation a guess when the field, or the component it refers to, or a field on the way, is marked', () => {
  expect(violations({ id: 'x', stamp: 'soon', platform: 'ctrader', accounts: [{ group: 3 }] }).map((v) => [v.path, v.guess])).toEqual([
    ['$.stamp', true],
    ['$.platform', true],
    ['$.accounts[0].group', true],
  ]);
  // In an inferred operation every violation is a guess.
  expect(violations({ id: 1, stamp: 1 }, true).map((v) => v.guess)).toEqual([true]);
});

it('a guess is found through $ref, allOf/anyOf branches, items and additionalProperties; the root does not count', () => {
  const guessedRoot: JsonSchema = { type: 'string', 'x-guess': true };
  expect(isGuessedField(guessedRoot, [], resolve)).toBe(false);
  const nested: JsonSchema = { allOf: [{ properties: { map: { additionalProperties: { anyOf: [{ $ref: '#/components/schemas/Guessed' }] } } } }] };
  expect(isGuessedField(nested, ['map', 'anything'], resolve)).toBe(true);
  expect(isGuessedField(nested, ['map'], resolve)).toBe(false);
  expect(isGuessedField(schema, ['accounts', '0', 'login'], resolve)).toBe(false);
  expect(isGuessedField(schema, ['nowhere', 'deeper'], resolve)).toBe(false);
});

it('writes JSONPaths that stay readable, and hides a key that could be data', () => {
  expect(jsonPath([])).toBe('$');
  expect(jsonPath(['records', '0', 'trading_accounts', '12', 'login'])).toBe('$.records[0].trading_accounts[12].login');
  expect(jsonPath(['en-us', 'a"b'])).toBe('$["en-us"]["a\\"b"]');
  expect(jsonPath(['jane@mail.test', 'x'.repeat(65)])).toBe('$[*][*]');
});
