import { CrmValidationError } from './errors';

/**
 * Serialises a JSON body once. The bytes this returns are the bytes that are signed and sent, so a body that
 * cannot be serialised (a BigInt, a cycle, a lone function) fails here, before anything leaves the process.
 */
export function serializeJsonBody(body: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(body);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new CrmValidationError(`body is not JSON-serialisable: ${reason}`, 'body', 'must be JSON-serialisable');
  }
  if (text === undefined) {
    throw new CrmValidationError('body is not JSON-serialisable: it serialises to nothing', 'body', 'must be JSON-serialisable');
  }
  return text;
}

/**
 * A serializer that also remembers the text it produced, for the first middleware to take: openapi-fetch
 * calls the serializer and then the first middleware with no await in between, so the text taken belongs to
 * the request at hand. Signing and validation then use it instead of reading the body stream back.
 */
export function createBodyCapture(prepare: (body: unknown) => unknown = (body) => body): { serialize(body: unknown): string; take(): string | undefined } {
  let last: string | undefined;
  return {
    serialize(body) {
      last = serializeJsonBody(prepare(body));
      return last;
    },
    take() {
      const text = last;
      last = undefined;
      return text;
    },
  };
}
