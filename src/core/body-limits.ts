// How much of a peer's body anything in this package reads: the receivers (the CRM's calls) and the mock and
// sandbox (a tenant's calls) refuse more than this, and JSON nested deeper than this, before parsing it.

/** The default body cap: 1 MiB, far beyond any documented call. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Deeper than this, a JSON body is refused: far beyond any documented call, and well inside every recursion limit. */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether arrays and objects nest deeper than `max` in UTF-8 JSON bytes: one pass, no recursion, brackets inside
 * strings not counted. Run before JSON.parse (which throws a RangeError at extreme depth) and before anything that
 * walks the value recursively (validators, signature rendering, JSON.stringify).
 */
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
