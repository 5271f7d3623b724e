// The gate behaves as the CRM does before any business logic, and the harness fails a test loudly when Prism
// finds a request invalid against the spec. Raw fetch here, so nothing of the client can mask the gate.
import { createHmac } from 'node:crypto';
import { expectDocumentedAnswer } from './harness/expectations';
import { API_KEY, useMockCrm } from './harness/mock-crm';

const mock = useMockCrm();
const body = '{"email":"lee.prospect@mail.test"}';
const sign = (bytes: string, secret = API_KEY) => 'sha256=' + createHmac('sha256', secret).update(bytes).digest('hex');

async function rawPost(headers: Record<string, string>, payload = body) {
  const response = await fetch(`${mock.url}/public/v1/leads`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
  return { status: response.status, body: await response.json() };
}

describe('the auth gate', () => {
  it('answers 403 invalid_api_key without a key, before checking the signature', async () => {
    await expect(rawPost({ signature: sign(body) })).resolves.toEqual({ status: 403, body: { type: 'invalid_api_key' } });
  });

  it('answers 403 invalid_signature to an unsigned body', async () => {
    await expect(rawPost({ key: API_KEY })).resolves.toEqual({ status: 403, body: { type: 'invalid_signature' } });
  });

  it('answers 403 invalid_signature when the bytes differ from the signed ones (re-serialised body)', async () => {
    const reserialised = JSON.stringify(JSON.parse(body), null, 1);
    await expect(rawPost({ key: API_KEY, signature: sign(body) }, reserialised)).resolves.toEqual({ status: 403, body: { type: 'invalid_signature' } });
  });

  it('answers 403 invalid_signature to a bare hex or sha1= signature', async () => {
    await expect(rawPost({ key: API_KEY, signature: sign(body).slice(7) })).resolves.toMatchObject({ status: 403 });
    await expect(rawPost({ key: API_KEY, signature: 'sha1=' + sign(body).slice(7, 47) })).resolves.toMatchObject({ status: 403 });
  });

  it('passes a correctly signed request to Prism unchanged', async () => {
    await expect(rawPost({ key: API_KEY, signature: sign(body) })).resolves.toEqual({ status: 201, body: { id: 'Ld00a7Zq' } });
    expect(mock.lastRequest().body.toString()).toBe(body);
  });
});

describe('the harness', () => {
  it('fails the test with Prism\'s message when a request is invalid against the spec', async () => {
    const result = await mock.client({ validateRequests: false }).GET('/public/v1/users/{id}', { params: { path: { id: 'short' } } });
    expect(() => expectDocumentedAnswer('getClient', result, 200)).toThrow(
      /Prism refused the request as invalid against the spec: request\.path\.id .*fewer than 8 characters/,
    );
  });

  it('fails the test when the answer does not match the documented status', async () => {
    const result = await mock.client({ apiKey: 'wrong' }).GET('/public/v1/connections');
    expect(() => expectDocumentedAnswer('listTradingConnections', result, 200)).toThrow();
  });
});
