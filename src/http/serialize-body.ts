import { CrmValidationError } from '../core/errors';

/**
 * Serialises a JSON body once. The bytes this returns are the bytes that are signed and sent, so a body that
 * cannot be serialised (a BigInt, a cycle, a lone function) fails here, before anything leaves the process.
 */
export function serializeJsonBody(body: unknown): string {
  let text: string | undefined;
  let reason = 'it serialises to nothing';
  try {
    text = JSON.stringify(body);
  } catch (cause) {
    reason = cause instanceof Error ? cause.message.split('\n')[0]! : String(cause);
  }
  if (text === undefined) throw new CrmValidationError(`body is not JSON-serialisable: ${reason}`, 'body', 'must be JSON-serialisable');
  return text;
}
