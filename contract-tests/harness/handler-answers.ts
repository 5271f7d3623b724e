// What every tenant-handler test asserts of an answer: the status, and a JSON body matching the schema the
// spec documents for that operation and status. Returns the body for the test's own expectations.
import type { loadApi } from './spec';

export async function expectDocumentedResponse(
  api: ReturnType<typeof loadApi>,
  opId: string,
  response: Response,
  status: number,
): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as Record<string, unknown>;
  expect(api.responseSchemaErrors(opId, status, body)).toEqual([]);
  return body;
}
