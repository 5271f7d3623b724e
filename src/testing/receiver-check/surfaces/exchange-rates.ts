// The rate API's cases. The CRM authenticates by the `key` header alone (a GET, no body to sign).
// Robustness for a GET is about its query (a missing or malformed currency): the body cases (not JSON, a
// content type, over 1 MiB, deep) do not apply to a call that carries no body, and fetch, which the CRM's
// side is played with (sendCrmCall), sends none with a GET.
import { expectDocumented, expectRefused, type KitCase } from '../case';
import type { KitRequest } from '../send';
import { WRONG_SECRET, withHeaders, withoutHeader } from '../variations';
import type { CrmCall } from '../well-formed-call';

const call: CrmCall = { operationId: 'getExternalRate' };
/** A rate that exists or a documented "no rate for this pair": both are what a working rate API answers. */
const found = (status: number) => status === 200 || status === 404;

export function exchangeRateCases(): KitCase<CrmCall>[] {
  const refusal = (id: string, title: string, vary: (request: KitRequest) => KitRequest, what: string, group: 'authentication' | 'robustness', query?: Record<string, string | undefined>): KitCase<CrmCall> => ({
    id,
    group,
    title,
    run: async ({ build, send }) => expectRefused(await send(vary(await build({ ...call, ...(query ? { query } : {}) }))), what, { critical: group === 'authentication' }),
  });
  return [
    {
      id: 'operation.getExternalRate',
      group: 'operation',
      title: "the spec's example (from=USD, to=EUR) with the key: a documented 200, or 404 rate_not_found",
      run: async (context) => expectDocumented(context, 'getExternalRate', await context.send(await context.build(call)), found, "the spec's example"),
    },
    refusal('auth.missing-key', 'no key header: refused with a 4xx', (r) => withoutHeader(r, 'key'), 'a call without key', 'authentication'),
    refusal('auth.wrong-key', 'another key: refused with a 4xx', (r) => withHeaders(r, { key: WRONG_SECRET }), 'a call with another key', 'authentication'),
    refusal('robust.missing-parameter', 'no `to` in the query: a 4xx', (r) => r, 'a call without `to`', 'robustness', { to: undefined }),
    refusal('robust.malformed-parameter', '`from=usd!` (not a currency code): a 4xx', (r) => r, 'a malformed currency', 'robustness', { from: 'usd!' }),
  ];
}
