// The secret scan that runs after every test file must be able to fail.
import { inspect } from 'node:util';
import { CrmAmbiguousOutcomeError, CrmApiError } from '../src/core/errors';
import { forgetOutputs, recordOutput, registerSecret, scanOutputs } from './harness/output-scan';

it('finds a secret planted in an error, and passes once it is gone', () => {
  registerSecret('planted-secret-123');
  recordOutput('planted', new Error('oops planted-secret-123'));
  expect(scanOutputs().leaks).toEqual(['planted contains a secret (18 chars)']);
  forgetOutputs();
  expect(scanOutputs().leaks).toEqual([]);
});

it('errors redact secret-named fields of their bodies in JSON and inspect output', () => {
  const error = new CrmApiError('x', 400, 'bad', { type: 'bad', password: 'hunter2-pw', nested: { api_key: 'k-000-1' } }, 'createClient');
  for (const text of [JSON.stringify(error), inspect(error)]) {
    expect(text).not.toContain('hunter2-pw');
    expect(text).not.toContain('k-000-1');
    expect(text).toContain('[redacted]');
  }
  const ambiguous = new CrmAmbiguousOutcomeError('m', 'depositToMt4Account', { field: 'comment', value: 'dep-1' }, undefined);
  expect(JSON.parse(JSON.stringify(ambiguous))).toMatchObject({ name: 'CrmAmbiguousOutcomeError', operationId: 'depositToMt4Account', reconcile: { field: 'comment', value: 'dep-1' } });
});
