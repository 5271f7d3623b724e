import { deleteAt, segmentsOf, valuesAt } from './field-paths';

describe('field paths (passwordFields)', () => {
  const body = () => ({ password: 'top-secret-1', register: { password: 'nested-secret-2' }, accounts: [{ master_password: 'item-secret-3' }, { master_password: 'item-secret-4' }, {}] });

  it('reads a top-level, a nested and an every-item field, and nothing that is not there', () => {
    expect(valuesAt(body(), segmentsOf('password'))).toEqual(['top-secret-1']);
    expect(valuesAt(body(), segmentsOf('register.password'))).toEqual(['nested-secret-2']);
    expect(valuesAt(body(), segmentsOf('accounts.[].master_password'))).toEqual(['item-secret-3', 'item-secret-4']);
    expect(valuesAt(body(), segmentsOf('register.missing'))).toEqual([]);
    expect(valuesAt(body(), segmentsOf('password.[]'))).toEqual([]);
    expect(valuesAt({ constructor: undefined }, segmentsOf('toString'))).toEqual([]);
  });

  it('deletes the same fields, telling whether one was there', () => {
    const value = body();
    expect(deleteAt(value, segmentsOf('accounts.[].master_password'))).toBe(true);
    expect(deleteAt(value, segmentsOf('register.password'))).toBe(true);
    expect(deleteAt(value, segmentsOf('register.password'))).toBe(false);
    expect(value).toEqual({ password: 'top-secret-1', register: {}, accounts: [{}, {}, {}] });
  });
});
