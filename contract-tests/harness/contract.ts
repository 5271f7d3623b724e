// One contract per operation: the success case, the 403s the gate answers, and every documented error
// example (provoked with Prism's `Prefer` header), all through the typed client.
import type { CrmClient } from '../../src/rest/client';
import { CrmValidationError } from '../../src/core/errors';
import { expectDocumentedAnswer, expectSentRequest, type ExpectedRequest, type FetchResult } from './expectations';
import { unsignableParam } from '../../src/core/signatures/sha1-params';
import { API_KEY, useMockCrm, type SuiteMock } from './mock-crm';
import { referenceSha1Signature } from './reference-signature';
import { documentedErrorExamples, operationById } from './spec';

export type ExtraInit = {
  headers?: Record<string, string>;
};

export interface OperationContract {
  /** The call under test, through the typed client; it must pass `init` on (for `Prefer`). */
  call(client: CrmClient, init: ExtraInit): Promise<FetchResult>;
  /** The documented success status. */
  status: number;
  /** `Prefer` for the success case, when the status is not the first documented 2xx (which Prism answers by default). */
  prefer?: string;
  /** The request that must reach the CRM. */
  sent: ExpectedRequest;
  /** More cases for this operation. */
  more?(mock: SuiteMock): void;
}

export function describeOperation(opId: string, contract: OperationContract): void {
  const hasBody = contract.sent.body !== undefined;
  const { method, path } = operationById(opId);
  describe(`${opId} (${method} ${path})`, () => {
    const mock = useMockCrm();

    it(`answers ${contract.status} with a body that matches the spec, to exactly the expected request`, async () => {
      const result = await contract.call(mock.client(), contract.prefer ? { headers: { Prefer: contract.prefer } } : {});
      expectDocumentedAnswer(opId, result, contract.status);
      expectSentRequest(opId, mock.lastRequest(), contract.sent);
    });

    it('answers 403 invalid_api_key to a wrong key', async () => {
      const result = await contract.call(mock.client({ apiKey: 'not-the-key', signingSecret: 'contract-test-key-0001' }), {});
      expectDocumentedAnswer(opId, result, 403);
      expect(result.error).toEqual({ type: 'invalid_api_key' });
      expect(mock.lastRequest().headers['key']).toBe('not-the-key');
    });

    if (hasBody) {
      it('answers 403 invalid_signature to a body signed with another secret', async () => {
        const result = await contract.call(mock.client({ signingSecret: 'another-secret' }), {});
        expectDocumentedAnswer(opId, result, 403);
        expect(result.error).toEqual({ type: 'invalid_signature' });
      });
    }

    if (hasBody) {
      const nested = unsignableParam(contract.sent.body as Record<string, unknown>);
      if (nested) {
        it(`signature v1: refuses the nested body.${nested.field} before the network (v1 does not define nested values)`, async () => {
          const before = mock.v1.requestCount();
          const error = await contract.call(mock.v1.client(), {}).then(() => undefined, (e: unknown) => e);
          expect(error).toBeInstanceOf(CrmValidationError);
          expect(error).toMatchObject({ field: `body.${nested.field}`, rule: expect.stringMatching(/signature v1/) });
          expect(mock.v1.requestCount()).toBe(before);
        });
      } else {
        it(`signature v1: answers ${contract.status} from a CRM that checks v1, signed as an independent transcription of the page signs`, async () => {
          const result = await contract.call(mock.v1.client(), contract.prefer ? { headers: { Prefer: contract.prefer } } : {});
          expectDocumentedAnswer(opId, result, contract.status);
          const sent = mock.v1.lastRequest();
          expect(sent.headers['signature']).toBe(referenceSha1Signature(JSON.parse(sent.body.toString('utf8')), API_KEY));
        });
      }
      it('a request signed with the other scheme gets 403 invalid_signature (v1 to a V2 CRM, V2 to a v1 CRM)', async () => {
        for (const [client, label] of [[mock.client({ signatureVersion: 'v1' }), 'v1 to V2'], [mock.v1.client({ signatureVersion: 'v2' }), 'V2 to v1']] as const) {
          const result = await contract.call(client, {}).catch((e: unknown) => ({ refusedLocally: e }));
          if ('refusedLocally' in result) expect(result.refusedLocally).toBeInstanceOf(CrmValidationError); // nested body: v1 refuses first
          else expect({ label, status: result.response.status, error: result.error }).toEqual({ label, status: 403, error: { type: 'invalid_signature' } });
        }
      });
    }

    for (const example of documentedErrorExamples(opId)) {
      it(`answers the documented ${example.status} ${example.name}`, async () => {
        const prefer = `code=${example.status}, example=${example.name}`;
        const result = await contract.call(mock.client(), { headers: { Prefer: prefer } });
        expectDocumentedAnswer(opId, result, example.status);
        expect(result.error).toEqual(example.value);
        expectSentRequest(opId, mock.lastRequest(), contract.sent);
      });
    }

    contract.more?.(mock);
  });
}

/** Bad input is refused with a CrmValidationError naming the field and rule, and nothing reaches the CRM. */
export async function expectRejectedBeforeNetwork(mock: SuiteMock, attempt: (client: CrmClient) => Promise<unknown>, message: RegExp): Promise<void> {
  const before = mock.requestCount();
  const error = await attempt(mock.client()).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CrmValidationError);
  expect((error as Error).message).toMatch(message);
  expect(mock.requestCount()).toBe(before);
}
