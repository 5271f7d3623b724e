// Reading a `Retry-After` value, for the client's transport and the verify run alike: seconds (`2`, `0.5`) or an
// HTTP date. Each caller bounds the result as its own policy says.

/** The wait it asks for, in ms (negative for a date already past); undefined when it is neither form. */
export function retryAfterValueMs(value: string | null | undefined, now: () => number = Date.now): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now();
  return Number.isFinite(ms) ? ms : undefined;
}
