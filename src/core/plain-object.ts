// One test of "a JSON object" (not null, not an array), for signing, validation and body handling alike.

export const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
