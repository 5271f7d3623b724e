// The PSP `/pay/url` cases. The CRM authenticates the call by the `crm-pay-token` header (constant-time) and
// the body's `sign` (SHA-1 parameter signature keyed by the token). Running integrations meet CRMs whose `sign`
// is not usable (field-evidence.md), so a receiver may check `sign` only when present, or not at all: the
// `sign` cases follow the mode the tenant's receiver is configured with (`pspSign`, as createPaymentUrlHandler's
// `sign` option), and say so when skipped.
import { sha1ParamsSignature } from '../../../core/signatures/sha1-params';
import { answerJson, answered, expectDocumented, expectRefused, failed, passed, type KitCase } from '../case';
import type { KitRequest } from '../send';
import { WRONG_SECRET, bodyValue, deepBody, malformedBody, oversizeBody, tamperedBody, withBody, withHeaders, withoutHeader } from '../variations';
import type { CrmCall } from '../well-formed-call';

const TOKEN = 'crm-pay-token';
/** The `order_no` of the other payment whose parameters a mismatched `sign` is computed over. */
export const OTHER_ORDER_NO = 'crm-open-api-check-other-order';

/** The request with `sign` set to the signature of `params` (default: its own body) under `token`. */
async function resigned(request: KitRequest, token: string, params: Record<string, unknown> = bodyValue(request)): Promise<KitRequest> {
  const body = { ...bodyValue(request), sign: await sha1ParamsSignature(params, token) };
  return withBody(request, JSON.stringify(body));
}

const is200 = (status: number) => status === 200;

export function pspCases(token: string, mode: 'require' | 'if-present' | 'ignore'): KitCase<CrmCall>[] {
  const call: CrmCall = { operationId: 'getPaymentUrl' };
  const signSkip = mode === 'ignore' ? "the receiver authenticates by the token alone (pspSign 'ignore')" : undefined;
  const refusal = (id: string, title: string, vary: (request: KitRequest) => Promise<KitRequest> | KitRequest, what: string, group: 'authentication' | 'robustness', skip?: string): KitCase<CrmCall> => ({
    id,
    group,
    title,
    ...(skip ? { skip } : {}),
    run: async ({ build, send }) => expectRefused(await send(await vary(await build(call))), what, { critical: group === 'authentication' }),
  });
  return [
    {
      id: 'operation.getPaymentUrl',
      group: 'operation',
      title: "the spec's example, with crm-pay-token and sign: a documented 200 with the payment page",
      run: async (context) => expectDocumented(context, 'getPaymentUrl', await context.send(await context.build(call)), is200, "a signed request of the spec's example"),
    },
    refusal('auth.missing-token', 'no crm-pay-token header (sign present): refused with a 4xx', (r) => withoutHeader(r, TOKEN), 'a call without crm-pay-token', 'authentication'),
    refusal('auth.wrong-token', 'another crm-pay-token, sign computed with it: refused with a 4xx', async (r) => withHeaders(await resigned(r, WRONG_SECRET), { [TOKEN]: WRONG_SECRET }), 'a call with another crm-pay-token', 'authentication'),
    refusal(
      'auth.unsigned',
      'the right token, no sign in the body: refused with a 4xx',
      (r) => withBody(r, JSON.stringify({ ...bodyValue(r), sign: undefined })),
      'a call without sign',
      'authentication',
      mode === 'require' ? undefined : `the receiver checks sign only when present (pspSign '${mode}'); with 'require' this case runs`,
    ),
    refusal('auth.tampered-body', 'one byte of the signed body changed: refused with a 4xx', (r) => withBody(r, tamperedBody(r.body!)), 'a tampered body', 'authentication', signSkip),
    refusal('auth.signed-other-bytes', "sign computed over another payment's parameters: refused with a 4xx", (r) => resigned(r, token, { ...bodyValue(r), order_no: OTHER_ORDER_NO }), 'a sign over other parameters than the body', 'authentication', signSkip),
    refusal('robust.malformed-json', 'the right token, a body that is not JSON: a 4xx', (r) => withBody(r, malformedBody(r.body!)), 'a body that is not JSON', 'robustness'),
    refusal('robust.wrong-content-type', 'the signed JSON body sent as text/plain: a 4xx', (r) => withHeaders(r, { 'content-type': 'text/plain' }), 'a body sent as text/plain', 'robustness'),
    refusal('robust.oversize-body', 'a signed body over 1 MiB: a 4xx', (r) => resigned(withBody(r, oversizeBody(r.body!)), token), 'a body over 1 MiB', 'robustness'),
    refusal('robust.deep-body', 'a body nested 5000 levels deep: a 4xx', (r) => withBody(r, deepBody(r.body!)), 'a body nested 5000 levels deep', 'robustness'),
    {
      id: 'once.same-order-twice',
      group: 'once-only',
      title: 'the same /pay/url twice (the CRM may ask again for one order_no): a payment page both times',
      run: async (context) => {
        const request = await context.build(call);
        // The shape is the operation case's to judge: here, only that both got a page (200, result true).
        for (const which of ['first', 'repeat']) {
          const exchange = await context.send(request);
          if (!answered(exchange)) return failed(`the ${which} request: ${exchange.failure}`);
          const result = (answerJson(exchange) as { result?: unknown } | undefined)?.result;
          if (exchange.status !== 200 || result !== true) return failed(`the ${which} request for one order_no was answered ${exchange.status}${result === false ? ' with result false' : ''}; the CRM may ask again for the same payment, and needs a page each time`, { status: exchange.status });
        }
        return passed(200);
      },
    },
  ];
}
