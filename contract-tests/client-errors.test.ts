// HTTP errors: typed `{ error }` by default; thrown CrmApiError with `throwOnError: true` or `unwrap()`.
import { unwrap } from '../src/http/throw-on-error';
import { CrmApiError, CrmError } from '../src/core/errors';
import { useMockCrm } from './harness/mock-crm';

const deposit = { connection_id: 'Cn4Mt001', currency: 'USD', amount: '250.00', comment: 'crm-dep-20240510-0001' };
const prefer = (code: number, example?: string) => ({ Prefer: `code=${code}${example ? `, example=${example}` : ''}` });

describe('HTTP error answers', () => {
  const mock = useMockCrm();

  it("are returned as `error`, typed as the union of the operation's documented error bodies", async () => {
    const { error, response } = await mock
      .client()
      .POST('/public/v1/mt4/accounts/{login}/deposit', { params: { path: { login: 200118 } }, body: deposit, headers: prefer(400, 'mt4_account_not_found') });
    expect(response.status).toBe(400);
    if (!error) throw new Error('expected an error answer');
    // Compile-time: `type` narrows to this operation's documented types (tsc fails on any other literal).
    const type: 'mt4_connection_not_found' | 'mt4_account_not_found' | 'invalid_api_key' | 'invalid_signature' = error.type;
    expect(type).toBe('mt4_account_not_found');
  });

  it('are thrown as CrmApiError (status, type, body, operationId) with throwOnError: true', async () => {
    const client = mock.client({ throwOnError: true });
    const error = await client
      .POST('/public/v1/mt4/accounts/{login}/deposit', { params: { path: { login: 200118 } }, body: deposit, headers: prefer(400, 'mt4_account_not_found') })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrmApiError);
    expect(error).toBeInstanceOf(CrmError);
    expect(error).toMatchObject({ status: 400, type: 'mt4_account_not_found', body: { type: 'mt4_account_not_found' }, operationId: 'depositToMt4Account' });
    expect((error as Error).message).toBe('depositToMt4Account: the CRM answered 400 mt4_account_not_found');
    expect(mock.requestCount()).toBeGreaterThan(0);
    // The same through client.request (method in lower case, as openapi-fetch allows).
    const viaRequest = await client
      .request('post', '/public/v1/mt4/accounts/{login}/deposit', { params: { path: { login: 200118 } }, body: deposit, headers: prefer(400, 'mt4_account_not_found') })
      .catch((e: unknown) => e);
    expect(viaRequest).toMatchObject({ status: 400, type: 'mt4_account_not_found', operationId: 'depositToMt4Account' });
  });

  it('throwOnError leaves successes alone', async () => {
    const { response } = await mock.client({ throwOnError: true }).GET('/public/v1/configurations/countries');
    expect(response.status).toBe(200);
  });

  it('unwrap() returns typed data or throws CrmApiError', async () => {
    const countries = await unwrap(mock.client().GET('/public/v1/configurations/countries'));
    expect(Array.isArray(countries)).toBe(true);
    const error = await unwrap(mock.client({ apiKey: 'wrong-key-0000' }).GET('/public/v1/configurations/countries')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrmApiError);
    expect(error).toMatchObject({ status: 403, type: 'invalid_api_key' });
  });
});
