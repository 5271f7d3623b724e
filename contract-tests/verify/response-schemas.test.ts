// The response schemas the verifier judges answers with (generated/crm-rest.response-schemas.ts): every
// documented answer, each operation's guess flags as the spec marks them, guessed fields marked; and the
// generator refuses what the package's validator could not check, rather than let a rule go unchecked.
import { responseSchemas as generated } from '../../generated/crm-rest.response-schemas';
import { responseSchemas } from '../../scripts/lib/response-schemas';
import { bundle, operations } from '../harness/spec';

const inferred = operations.filter((op) => op.operation['x-inferred'] === true).map((op) => op.id);

it('marks the operations the spec inferred, and those confirmed in use', () => {
  expect(Object.entries(generated.operations).filter(([, o]) => 'inferred' in o).map(([id]) => id)).toEqual(inferred);
  expect(inferred.length).toBe(19);
  expect(Object.entries(generated.operations).filter(([, o]) => 'confirmedInUse' in o).map(([id]) => id)).toEqual(['approveWithdrawalRequest']);
});

it('marks a field whose shape is a decision, and no object as a whole', () => {
  const schemas = generated.schemas as Record<string, any>;
  expect(schemas.ClientSummary.properties.updated_at).toEqual({ type: 'string', 'x-guess': true });
  expect(schemas.Leaderboard.properties.last_update_time).toEqual({ type: 'integer', format: 'int64', 'x-guess': true });
  // ClientSummary's own decision ("more fields may follow") is about the record, not a field of it.
  expect(schemas.ClientSummary['x-guess']).toBeUndefined();
  expect(schemas.ClientSummary.properties.id['x-guess']).toBeUndefined();
});

it('is what the generator makes of the bundle (npm test also checks the file is not stale)', () => {
  expect(responseSchemas(bundle)).toEqual(generated);
});

describe('the generator refuses', () => {
  const altered = (change: (spec: Record<string, any>) => void) => {
    const spec = structuredClone(bundle);
    change(spec);
    return () => responseSchemas(spec);
  };
  const countries = (spec: Record<string, any>) => spec.paths['/public/v1/configurations/countries'].get.responses;

  it('a keyword the validator does not implement', () => {
    expect(altered((spec) => (spec.components.schemas.Place.patternProperties = { '^x-': {} }))).toThrow('schema keyword `patternProperties` is not implemented by src/core/validation/schema-validator.ts');
  });
  it('a format it does not know', () => {
    expect(altered((spec) => (spec.components.schemas.Place.properties.code.format = 'date-time'))).toThrow('schema format "date-time" is not implemented by src/core/validation/formats.ts');
  });
  it('a status it cannot match', () => {
    expect(altered((spec) => (countries(spec).default = countries(spec)['403']))).toThrow('getCountries: response `default` is not a status the verifier can match');
  });
  it('a body that is not JSON', () => {
    expect(altered((spec) => (countries(spec)['200'].content['text/csv'] = { schema: { type: 'string' } }))).toThrow('getCountries 200: the verifier checks JSON bodies only, not text/csv');
  });
});
