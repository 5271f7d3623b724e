import { inspect } from 'node:util';
import { CrmApiError, CrmError } from './errors';
import { REDACTED } from './redact';

const nested = (depth: number, leaf: unknown): unknown => {
  let value = leaf;
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
};

describe("an error's JSON and inspection: redacted, and never throwing", () => {
  it('prints an answer body nested 50,000 levels deep (a hostile CRM) without it: no stack overflow', () => {
    const error = new CrmApiError('listClients: HTTP 400', 400, 'invalid_request', nested(50_000, 1), 'listClients');
    expect(JSON.parse(JSON.stringify(error))).toEqual({ name: 'CrmApiError', message: 'listClients: HTTP 400' });
    expect(inspect(error)).toContain('listClients: HTTP 400');
  });

  it('shows no secret-named field, however deep, and the rest of the body as it is', () => {
    const error = new CrmApiError('m', 400, 'x', nested(40, { password: 'Passw0rd-deep', note: 'kept' }), 'op');
    const json = JSON.stringify(error);
    expect(json).not.toContain('Passw0rd-deep');
    expect(json).toContain(REDACTED);
    expect(json).toContain('kept');
  });

  it('survives a cycle, a bigint and a throwing getter, and redacts inside a nested error', () => {
    const cyclic: Record<string, unknown> = { id: 1 };
    cyclic.self = cyclic;
    for (const body of [cyclic, { amount: 10n }]) {
      const error = new CrmApiError('m', 400, 'x', body, 'op');
      expect(error.toJSON()).toEqual({ name: 'CrmApiError', message: 'm' });
      expect(() => inspect(error)).not.toThrow();
    }
    const outer = new CrmApiError('m', 400, 'x', { inner: new CrmApiError('inner', 401, 'y', { api_key: 'live-key-123456' }, 'op') }, 'op');
    expect(JSON.stringify(outer)).not.toContain('live-key-123456');

    const hostile = new CrmError('getter');
    Object.defineProperty(hostile, 'detail', { enumerable: true, get: () => { throw new Error('boom'); } });
    expect(hostile.toJSON()).toEqual({ name: 'CrmError', message: 'getter' });
    expect(() => inspect(hostile)).not.toThrow();
  });
});
