// A JSON request body as the mock and the sandbox read it: nested at most MAX_JSON_DEPTH deep, checked by one
// pass over the bytes before JSON.parse (which itself throws a RangeError on extreme depth) and before anything
// that walks the value recursively (validators, signature rendering, JSON.stringify).

/** Arrays and objects inside one another; no call of the CRM's API nests more than a few. */
export const MAX_JSON_DEPTH = 64;

/** Whether arrays and objects nest deeper than `max` in `bytes` (brackets inside strings do not count). */
export function nestsDeeperThan(bytes: Uint8Array, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === 0x5c) i++; // the escaped character is skipped, `\"` included
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > max) return true;
    } else if (byte === 0x5d || byte === 0x7d) depth--;
  }
  return false;
}

export type JsonRead = { value: unknown } | { problem: string };

/** The parsed body, or what is wrong with it (`body is not JSON`, or nested too deep). */
export function readJson(bytes: Buffer): JsonRead {
  if (nestsDeeperThan(bytes)) return { problem: `body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels` };
  try {
    return { value: JSON.parse(bytes.toString('utf8')) };
  } catch {
    return { problem: 'body is not JSON' };
  }
}
