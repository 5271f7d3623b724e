// The tenant's rate API handler, driven from the spec's example; every answer validated against the spec.
import { createExchangeRateHandler } from '../src/receivers/exchange-rates';
import { expectDocumentedResponse } from './harness/handler-answers';
import { registerSecret } from './harness/output-scan';
import { loadApi } from './harness/spec';

const api = loadApi('exchange-rates');
const KEY = 'rates-api-key-under-test';
registerSecret(KEY);
const RATES: Record<string, number> = { 'USD/EUR': 0.9214, 'EUR/JPY': 162.3 };

const reports: unknown[] = [];
const handler = createExchangeRateHandler({
  apiKey: KEY,
  onError: (error, context) => reports.push([(error as Error).message, context]),
  getRate: ({ from, to }) => {
    if (from === 'XXX') throw new Error('source down: secret detail');
    if (from === 'NAN') return Number.NaN;
    return RATES[`${from}/${to}`];
  },
});
const ask = (query: Record<string, string>, key: string | null = KEY) =>
  handler(new Request(`https://rates.my-broker.test/rate?${new URLSearchParams(query)}`, { headers: key === null ? {} : { key } }));

const expectAnswer = (response: Response, status: number) => expectDocumentedResponse(api, 'getExternalRate', response, status);

describe('createExchangeRateHandler', () => {
  it("answers the spec's example query with the documented shape", async () => {
    const { query } = api.exampleInput('getExternalRate').params;
    expect(await expectAnswer(await ask(query as Record<string, string>), 200)).toEqual({ from: 'USD', to: 'EUR', rate: 0.9214 });
  });

  it('401 invalid_api_key to a missing, wrong or differently-cased key', async () => {
    for (const key of [null, '', 'wrong', KEY.toUpperCase(), KEY.slice(0, -1)]) {
      expect(await expectAnswer(await ask({ from: 'USD', to: 'EUR' }, key), 401)).toEqual({ type: 'invalid_api_key' });
    }
  });

  it('400 naming the parameter and the rule', async () => {
    const body = await expectAnswer(await ask({ from: 'usd', to: 'EUR' }), 400);
    expect(body).toEqual({ type: 'invalid_request', message: 'query.from must be a 3-letter upper-case currency code' });
    expect((await expectAnswer(await ask({ from: 'USD' }), 400)).message).toBe('query.to is required');
  });

  it('404 when there is no rate, 503 when the source fails or gives no positive number', async () => {
    expect(await expectAnswer(await ask({ from: 'GBP', to: 'CHF' }), 404)).toEqual({ type: 'rate_not_found' });
    expect(await expectAnswer(await ask({ from: 'XXX', to: 'EUR' }), 503)).toEqual({ type: 'rate_unavailable' });
    expect((await expectAnswer(await ask({ from: 'NAN', to: 'EUR' }), 503)).type).toBe('rate_unavailable');
    // The tenant hears of both through onError (the CRM never sees the message).
    expect(reports).toEqual([
      ['source down: secret detail', { receiver: 'exchange-rates', step: 'getRate', key: 'XXX/EUR' }],
      ['getRate gave no positive finite number', { receiver: 'exchange-rates', step: 'getRate', key: 'NAN/EUR' }],
    ]);
  });
});
