// Issue 29: every 400 of every receiver (webhooks, PSP payment URL, exchange rates, external wallets) names the
// field and the rule (`field: rule`), never a bare type: each receiver is sent its bad requests, authenticated
// as the CRM would (signature, token, key), so that the refusal is the body's or the query's.
import { buildReceivers, SECRETS, walletSignature, webhookSignature, withPspSign } from '../harness/hostile-receivers';

const receivers = buildReceivers();
/** A path (`body`, `data`, `source.event`, `body.amount`, `query.from`), then what it must be (`field: rule` or `field rule`). */
const FIELD_AND_RULE = /^[A-Za-z_][\w.[\]-]*:? (must|is) \S/;

const json = (url: string, body: string, headers: Record<string, string>) => new Request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
const webhook = (raw: string) => json('https://tenant.test/crm/webhooks', raw, { 'x-crm-signature': webhookSignature(raw) });
const payUrl = async (body: unknown) => json('https://tenant.test/pay/url', typeof body === 'string' ? body : JSON.stringify(await withPspSign(body)), { 'crm-pay-token': SECRETS.payToken });
const rates = (query: string) => new Request(`https://tenant.test/rates${query}`, { headers: { key: SECRETS.ratesKey } });
const wallet = async (path: string, body: unknown) =>
  json(`https://tenant.test${path}`, typeof body === 'string' ? body : JSON.stringify(body), { key: SECRETS.walletKey, signature: await walletSignature(body) });
const walletGet = (query: string) => new Request(`https://tenant.test/wallets/getOne${query}`, { headers: { key: SECRETS.walletKey } });

const transfer = { external_user_id: 'u-1', currency: 'USD', amount: 1.5, order_id: 'o-1' };
const cases: [string, keyof typeof receivers, () => Request | Promise<Request>][] = [
  ['webhook: not JSON', 'webhooks', () => webhook('{not json')],
  ['webhook: an array', 'webhooks', () => webhook('[]')],
  ['webhook: no source.event', 'webhooks', () => webhook('{"source":{},"data":{}}')],
  ['webhook: an event name outside crm.webhooks.…', 'webhooks', () => webhook('{"source":{"event":"__proto__"},"data":{}}')],
  ['webhook: data not an object', 'webhooks', () => webhook('{"source":{"event":"crm.webhooks.users.create"},"data":null}')],
  ['payment URL: not JSON', 'payUrl', () => payUrl('{not json')],
  ['payment URL: an array', 'payUrl', () => payUrl('[]')],
  ['payment URL: no fields', 'payUrl', () => payUrl({})],
  ['payment URL: amount a string', 'payUrl', () => payUrl({ merchant_id: 'm-1', order_no: 'o-1', amount: 'ten', currency: 'USD', user_id: 'u-1' })],
  ['exchange rates: no query', 'rates', () => rates('')],
  ['exchange rates: from not a currency', 'rates', () => rates('?from=dollars&to=EUR')],
  ['wallets: list, not JSON', 'wallets', () => wallet('/wallets', '{not json')],
  ['wallets: list, skip a string', 'wallets', () => wallet('/wallets', { skip: 'none', limit: 10 })],
  ['wallets: getOne without external_user_id', 'wallets', () => walletGet('?currency=USD')],
  ['wallets: credit without order_id', 'wallets', () => wallet('/wallets/credit', { ...transfer, order_id: undefined })],
  ['wallets: debit with amount an object', 'wallets', () => wallet('/wallets/debit', { ...transfer, amount: { value: 1 } })],
  ['wallets: credit with more decimals than the wallet', 'wallets', () => wallet('/wallets/credit', { ...transfer, amount: 1.234 })],
];

it.each(cases)('%s: 400 naming the field and the rule', async (_what, receiver, make) => {
  const answer = await (receivers[receiver] as (request: Request) => Promise<Response>)(await make());
  const body = (await answer.json()) as { message?: string; msg?: string };
  const message = receiver === 'payUrl' ? body.msg : body.message;
  expect({ status: answer.status, message }).toEqual({ status: 400, message: expect.stringMatching(FIELD_AND_RULE) });
});

it('no tenant code ran for any of them (getWallet aside: the decimals are the wallet\'s)', () => {
  const { getWallet, ...callbacks } = receivers.calls;
  expect(callbacks).toEqual({ webhook: [], getPaymentUrl: [], getRate: [], listWallets: [], credit: [], debit: [] });
  expect(getWallet).toEqual(['u-1/USD']);
});
