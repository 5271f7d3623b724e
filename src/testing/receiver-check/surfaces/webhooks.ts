// The webhook endpoint's cases. The CRM authenticates a delivery by `X-Crm-Signature` alone (HMAC-SHA256 of
// the exact bytes under the webhook's secret; there is no key header), so a missing key and an unsigned body
// are one case, and a wrong key is a signature under another secret.
import { signPayload } from '../../../core/signatures/hmac-sha256';
import { expectDocumented, expectRefused, failed, is2xx, passed, answered, type KitCase } from '../case';
import type { KitRequest } from '../send';
import { WRONG_SECRET, bodyValue, deepBody, malformedBody, oversizeBody, reformattedBody, tamperedBody, withBody, withHeaders, withoutHeader } from '../variations';
import type { CrmCall } from '../well-formed-call';

/** The eleven documented events, by the spec's operation ids. */
export const WEBHOOK_OPERATIONS = [
  'receiveUserCreated',
  'receiveWithdrawalApproved',
  'receiveWithdrawalRejected',
  'receivePropTradingApproved',
  'receivePropTradingRejected',
  'receivePropTradingLiveApproved',
  'receivePropTradingLiveRejected',
  'receiveTransferApproved',
  'receiveTransferRejected',
  'receiveKycApproved',
  'receiveKycRejected',
] as const;

const SIGNATURE = 'x-crm-signature';
/** The request id of the delivery the repeat case sends twice. */
export const REPEATED_DELIVERY_ID = 'crm-open-api-check-repeated-delivery';

/** The request with its body signed over exactly the bytes it carries. */
const signed = async (request: KitRequest, secret: string, bytes: string = request.body!): Promise<KitRequest> => withHeaders(request, { [SIGNATURE]: await signPayload(bytes, secret) });

export function webhookCases(secret: string): KitCase<CrmCall>[] {
  const example: CrmCall = { operationId: 'receiveUserCreated' };
  const refusal = (id: string, title: string, vary: (request: KitRequest) => Promise<KitRequest> | KitRequest, what: string, group: 'authentication' | 'robustness'): KitCase<CrmCall> => ({
    id,
    group,
    title,
    run: async ({ build, send }) => expectRefused(await send(await vary(await build(example))), what, { critical: group === 'authentication' }),
  });
  return [
    ...WEBHOOK_OPERATIONS.map(
      (operationId): KitCase<CrmCall> => ({
        id: `operation.${operationId}`,
        group: 'operation',
        title: `the spec's example of ${operationId}, signed: acknowledged with a documented 2xx`,
        run: async (context) => expectDocumented(context, operationId, await context.send(await context.build({ operationId })), is2xx, 'a signed delivery of the spec\'s example'),
      }),
    ),
    refusal('auth.unsigned', 'a delivery without X-Crm-Signature: refused with a 4xx', (r) => withoutHeader(r, SIGNATURE), 'an unsigned delivery', 'authentication'),
    refusal('auth.wrong-secret', 'a delivery signed with another secret: refused with a 4xx', (r) => signed(r, WRONG_SECRET), 'a delivery signed with another secret', 'authentication'),
    refusal('auth.tampered-body', 'a signed delivery with one byte of its body changed: refused with a 4xx', (r) => withBody(r, tamperedBody(r.body!)), 'a tampered delivery', 'authentication'),
    refusal('auth.signed-other-bytes', 'the body re-indented, the signature over the compact bytes (the same JSON): refused with a 4xx', (r) => withBody(r, reformattedBody(r.body!)), 'a signature over other bytes than the body', 'authentication'),
    refusal('robust.malformed-json', 'a signed body that is not JSON: a 4xx', (r) => signed(withBody(r, malformedBody(r.body!)), secret), 'a body that is not JSON', 'robustness'),
    refusal('robust.wrong-content-type', 'a signed JSON body sent as text/plain: a 4xx', (r) => withHeaders(r, { 'content-type': 'text/plain' }), 'a body sent as text/plain', 'robustness'),
    refusal('robust.oversize-body', 'a signed body over 1 MiB: a 4xx', (r) => signed(withBody(r, oversizeBody(r.body!)), secret), 'a body over 1 MiB', 'robustness'),
    refusal('robust.deep-body', 'a signed body nested 5000 levels deep: a 4xx', (r) => signed(withBody(r, deepBody(r.body!)), secret), 'a body nested 5000 levels deep', 'robustness'),
    {
      id: 'once.repeat-delivery',
      group: 'once-only',
      title: 'the same delivery twice (the back office can resend one): acknowledged with a 2xx both times',
      run: async ({ build, send }) => {
        // A delivery of its own (the example's request under another id), so no earlier case has sent it.
        const example = await build({ operationId: 'receiveWithdrawalRejected' });
        const value = bodyValue(example) as { data: Record<string, unknown> };
        const request = await signed(withBody(example, JSON.stringify({ ...value, data: { ...value.data, id: REPEATED_DELIVERY_ID } })), secret);
        const first = await send(request);
        if (!answered(first)) return failed(`the first delivery: ${first.failure}`);
        // Refused the first time: operation.receiveWithdrawalRejected fails for it, and no repeat can be judged.
        if (!is2xx(first.status)) return { verdict: 'skipped', problems: [], status: first.status, reason: `the first delivery was answered ${first.status} (see operation.receiveWithdrawalRejected): there is no acknowledged delivery to repeat` };
        const second = await send(request);
        if (!answered(second)) return failed(`the repeat: ${second.failure}`);
        if (!is2xx(second.status)) return failed(`the repeat of an acknowledged delivery was answered ${second.status}; it must be acknowledged (2xx) again, without handling it twice`, { status: second.status });
        return passed(second.status);
      },
    },
  ];
}
