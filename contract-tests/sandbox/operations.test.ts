// Every REST operation of the spec, called through the SDK with the spec's own example input against the
// sandbox: the documented success, a body that matches the spec, and the same gate as the mock.
import type { CrmClient } from '../../src/rest/client';
import { SANDBOX_OTP } from '../../src/testing/sandbox/operations/clients';
import { useSandbox } from '../harness/sandbox';
import { exampleInput, operations } from '../harness/spec';

const box = useSandbox();

type Input = ReturnType<typeof exampleInput>;
/** Where the example input meets the seeded state differently than the documentation's story, the change. */
const ADJUST: Record<string, (input: Input) => Input> = {
  // The example registers Jane, who is seeded; a new e-mail creates a client.
  createClient: (i) => ({ ...i, body: { ...(i.body as object), email: 'sandbox.newcomer@mail.test' } }),
  // The example's order id is the seeded order; a new one applies.
  updateWalletBalance: (i) => ({ ...i, body: { ...(i.body as object), order_id: 'ord-sbx-00000001' } }),
  // The sandbox's OTP is fixed and documented.
  submitMultiStepRegistration: (i) => {
    const body = i.body as { register: object };
    return { ...i, body: { ...body, register: { ...body.register, email_code: SANDBOX_OTP } } };
  },
  getMt5ConnectionInfo: (i) => ({ ...i, params: { query: { connection_id: 'Cn5Mt001' } } }),
  getCtraderConnectionInfo: (i) => ({ ...i, params: { query: { connection_id: 'CnCt0001' } } }),
};

/** A state the operation needs first. */
const BEFORE: Record<string, (crm: CrmClient) => Promise<unknown>> = {
  submitMultiStepRegistration: (crm) => crm.POST('/public/v1/account/register/request', { body: exampleInput('sendRegistrationOtp').body as never }),
};

const call = (crm: CrmClient, method: string, path: string, input: Input) =>
  (crm as unknown as Record<string, (p: string, init: object) => Promise<{ data?: unknown; error?: unknown; response: Response }>>)[method]!(path, { params: input.params, ...(input.body === undefined ? {} : { body: input.body }) });

const restOperations = operations.filter((op) => op.pointer.startsWith('#/paths/'));

describe.each(restOperations.map((op) => [op.id, op] as const))('%s', (opId, op) => {
  // A deposit documents 200 for a repeat; made now, it is 204.
  const success = opId === 'depositToMt4Account' ? 204 : Number(Object.keys(op.operation.responses).find((status) => status.startsWith('2')));

  beforeEach(() => box.sandbox.reset());

  it(`answers ${success} from the example input, from state, as the spec documents`, async () => {
    const crm = box.client();
    await BEFORE[opId]?.(crm);
    const input = (ADJUST[opId] ?? ((i) => i))(exampleInput(opId));
    const result = await call(crm, op.method, op.path, input);
    expect({ status: result.response.status, error: result.error }).toEqual({ status: success, error: undefined });
    expect(box.violations()).toEqual([]);
  });

  it('answers 403 invalid_api_key to a wrong key, and invalid_signature to a body signed with another secret', async () => {
    const input = exampleInput(opId);
    const wrongKey = await call(box.client({ apiKey: 'not-the-key', signingSecret: 'contract-test-key-0001' }), op.method, op.path, input);
    expect({ status: wrongKey.response.status, error: wrongKey.error }).toEqual({ status: 403, error: { type: 'invalid_api_key' } });
    if (input.body !== undefined) {
      const wrongSecret = await call(box.client({ signingSecret: 'another-secret' }), op.method, op.path, input);
      expect({ status: wrongSecret.response.status, error: wrongSecret.error }).toEqual({ status: 403, error: { type: 'invalid_signature' } });
    }
    expect(box.violations()).toEqual([]);
  });
});

it('refuses a request that breaks the spec with 422 mock_request_invalid naming the field, as the mock does', async () => {
  const crm = box.client({ validateRequests: false });
  const { response, error } = await crm.POST('/public/v1/mt4/accounts/{login}/deposit', {
    params: { path: { login: 200118 } },
    body: { connection_id: 'Cn4Mt001', currency: 'USD', amount: 250 as unknown as string, comment: 'bad-amount' },
  });
  expect(response.status).toBe(422);
  expect(error).toMatchObject({ type: 'mock_request_invalid', detail: expect.stringMatching(/body\.amount must be string/) });
  expect(box.sandbox.state().transactions.filter((t: { comment?: string }) => t.comment === 'bad-amount')).toEqual([]);
});

it('answers 404 to a path outside the spec and 405 to a wrong method', async () => {
  const key = { key: 'contract-test-key-0001' };
  expect((await fetch(`${box.sandbox.url}/public/v1/nothing`, { headers: key })).status).toBe(404);
  expect((await fetch(`${box.sandbox.url}/public/v1/leads`, { headers: key })).status).toBe(405);
});
