// What every contract test asserts: the answer is the documented one and matches its schema, and the request
// on the wire is exactly the expected one (with the signature recomputed here from the bytes received).
import { createHmac } from 'node:crypto';
import type { CapturedRequest } from '../../src/testing/mock/gate';
import { API_KEY } from './mock-crm';
import { operationById, responseSchemaErrors } from './spec';

export interface FetchResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

export interface ExpectedRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** The raw query string, in the order the client sends it ('' for none). */
  query?: string;
  /** The JSON body: the bytes on the wire must be exactly `JSON.stringify(body)`. */
  body?: unknown;
}

/** Fails with Prism's own message when Prism found the request invalid against the spec. */
function failOnSpecViolation(result: FetchResult): void {
  const body = result.error as { type?: string; detail?: string } | undefined;
  if (result.response.status === 422 && body?.type === 'mock_request_invalid') {
    throw new Error(`Prism refused the request as invalid against the spec: ${body.detail}`);
  }
  const violations = result.response.headers.get('sl-violations');
  if (violations) throw new Error(`Prism reports that its answer breaks the spec (fix the example): ${violations}`);
}

export function expectDocumentedAnswer(opId: string, result: FetchResult, status: number): void {
  failOnSpecViolation(result);
  expect(result.response.status).toBe(status);
  const body = result.response.ok ? result.data : result.error;
  expect(responseSchemaErrors(opId, status, body)).toEqual([]);
}

const templateToPattern = (path: string) => new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`);

export function expectSentRequest(opId: string, captured: CapturedRequest, expected: ExpectedRequest): void {
  const op = operationById(opId);
  expect(captured.method).toBe(op.method);
  expect(captured.path).toMatch(templateToPattern(op.path));
  expect({ method: captured.method, path: captured.path, query: captured.query }).toEqual({
    method: expected.method,
    path: expected.path,
    query: expected.query ?? '',
  });
  expect(captured.headers['key']).toBe(API_KEY);
  if (expected.body === undefined) {
    expect(captured.body.length).toBe(0);
    expect(captured.headers['signature']).toBeUndefined();
    return;
  }
  expect(captured.headers['content-type']).toBe('application/json');
  expect(captured.body.toString('utf8')).toBe(JSON.stringify(expected.body));
  const recomputed = 'sha256=' + createHmac('sha256', API_KEY).update(captured.body).digest('hex');
  expect(captured.headers['signature']).toBe(recomputed);
}
