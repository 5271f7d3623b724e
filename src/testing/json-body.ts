// A JSON request body as the mock and the sandbox read it: nested at most MAX_JSON_DEPTH deep (core/body-limits),
// checked before JSON.parse and before anything that walks the value recursively.
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../core/body-limits';

export { MAX_JSON_DEPTH, nestsDeeperThan } from '../core/body-limits';

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
