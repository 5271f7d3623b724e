// The CHANGELOG's spec comparison flags what can break a caller, and only that.
import { changelogSection, diffSpecs } from '../scripts/lib/spec-diff';
import { bundle } from './harness/spec';

it('an unchanged spec has no changes', () => {
  expect(diffSpecs(bundle, structuredClone(bundle))).toEqual([]);
});

it('flags removed operations, new required inputs, removed and retyped fields, new enum values; not additions', () => {
  const after = structuredClone(bundle);
  delete after.paths['/public/v1/configurations/cities'];
  const leadBody = after.components.schemas.CreateLeadRequest;
  leadBody.properties.source = { type: 'string' };
  leadBody.required = [...leadBody.required, 'source'];
  after.components.schemas.Place.properties.population = { type: 'integer' };
  delete after.components.schemas.ConnectionInfo.properties[Object.keys(after.components.schemas.ConnectionInfo.properties)[0]!];
  after.components.schemas.UserType.enum = [...after.components.schemas.UserType.enum, 'partner'];
  const changes = diffSpecs(bundle, after);
  const text = (breaking: boolean) => changes.filter((c) => c.breaking === breaking).map((c) => c.text);
  expect(text(true)).toEqual(
    expect.arrayContaining([
      'Removed `getCities` (GET /public/v1/configurations/cities)',
      '`createLead`: new required input `body.source`',
      expect.stringMatching(/^`getMt4ConnectionInfo` 200: field `body\.\w+` removed$/),
      expect.stringMatching(/^`getClient` 200: field `body\.type` may now be partner$/),
    ]),
  );
  expect(text(false)).toEqual(expect.arrayContaining(['`getCountries` 200: new field `body[].population`']));
  const section = changelogSection('Unreleased', { 'crm-rest': changes });
  expect(section).toContain('- **BREAKING** Removed `getCities`');
});
