// The body fields an operation names by path (`passwordFields`: `password`, `register.password`; `[]` for every
// item of an array), as the generator writes them: read by the transport (an error answer that echoes a
// password has it redacted) and deleted by the journal (it never keeps a password).

/** The field path's segments: `register.password` → `['register', 'password']`. */
export const segmentsOf = (path: string): string[] => path.split('.');

/** The values found at `segments` in `value` (one for each array item under a `[]`). */
export function valuesAt(value: unknown, [segment, ...rest]: string[]): unknown[] {
  if (segment === undefined) return [value];
  if (value === null || typeof value !== 'object') return [];
  if (segment === '[]') return Array.isArray(value) ? value.flatMap((item) => valuesAt(item, rest)) : [];
  return Object.hasOwn(value, segment) ? valuesAt((value as Record<string, unknown>)[segment], rest) : [];
}

/** Deletes the field at `segments` from `value` (`[]`: from every item of an array); true when it was there. */
export function deleteAt(value: unknown, [segment, ...rest]: string[]): boolean {
  if (value === null || typeof value !== 'object' || segment === undefined) return false;
  if (segment === '[]') return Array.isArray(value) && value.map((item) => deleteAt(item, rest)).includes(true);
  const object = value as Record<string, unknown>;
  if (!Object.hasOwn(object, segment)) return false;
  if (rest.length > 0) return deleteAt(object[segment], rest);
  return delete object[segment];
}
