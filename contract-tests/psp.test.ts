// PSP Open API: `sign` checked against the page's own sample inputs and an independent implementation, a fuzz
// of tampered parameter sets, the tenant's /pay/url handler driven from the spec's example, and the callback
// client checked against Prism mocking the CRM's /pay/callback.
import { createHash } from 'node:crypto';
import { CrmApiError } from '../src/core/errors';
import { createPaymentUrlHandler } from '../src/receivers/psp/payment-url-handler';
import { createPspCallbackClient, type PaymentCallback } from '../src/receivers/psp/callback-client';
import { pspSign, pspVerify } from '../src/receivers/psp/sign';
import { bundledSpecPath } from '../src/testing/package-root';
import { startPrism, type PrismServer } from '../src/testing/mock/prism';
import { startFaultServer } from './harness/fault-server';
import { expectDocumentedResponse } from './harness/handler-answers';
import { registerSecret } from './harness/output-scan';
import { referenceSha1Signature, referenceSha1SignatureKeepingEmpties } from './harness/reference-signature';
import { seededRandom } from './harness/random';
import { loadApi } from './harness/spec';

const api = loadApi('psp');
const TOKEN = 'psp-token-under-test-7';
const DEMO_TOKEN = 'demo-crm-pay-token'; // the token the spec's examples are signed with
registerSecret(TOKEN);

const urlExample = api.exampleInput('getPaymentUrl').body as Record<string, unknown>;
const callbackExample = api.exampleInput('reportPaymentResult').body as Record<string, unknown>;

describe('pspSign / pspVerify', () => {
  it("signs the page's sample bodies as the page's algorithm does (values computed with Python's hashlib)", async () => {
    expect(await pspSign(urlExample, DEMO_TOKEN)).toBe('29F21F6BFD39B65416E3540EBA760A83AA3B3C88');
    expect(await pspSign(callbackExample, DEMO_TOKEN)).toBe('6AC7372E7E5BD89D0F1D1DC9B29EC950A0109378');
    expect(await pspVerify(urlExample, DEMO_TOKEN)).toBe(true);
    expect(await pspVerify(callbackExample, DEMO_TOKEN)).toBe(true);
  });

  it('leaves out `sign` and empty values (null, undefined, ""), and ignores key order', async () => {
    const base = { b: '2', a: 1.5, c: true };
    const sign = await pspSign(base, TOKEN);
    expect(sign).toBe(referenceSha1Signature(base, TOKEN));
    expect(await pspSign({ c: true, a: 1.5, b: '2', d: '', e: null, f: undefined, sign: 'X' }, TOKEN)).toBe(sign);
    expect(createHash('sha1').update(`a=1.5&b=2&c=true${TOKEN}`).digest('hex').toUpperCase()).toBe(sign);
  });

  it('verifies never throwing: missing, malformed or lower-case sign, empty token', async () => {
    const signed = { ...callbackExample, sign: await pspSign(callbackExample, TOKEN) };
    expect(await pspVerify({ ...signed, sign: (signed.sign as string).toLowerCase() }, TOKEN)).toBe(true);
    for (const sign of [undefined, '', 'abc', 42, 'Z'.repeat(40)]) expect(await pspVerify({ ...signed, sign }, TOKEN)).toBe(false);
    expect(await pspVerify(signed, '')).toBe(false);
    expect(await pspVerify(null as never, TOKEN)).toBe(false);
  });

  it('fuzz: 1,500 random parameter sets (non-ASCII included) all verify; 1,500 tampered ones: 0 accepted', async () => {
    const random = seededRandom(7);
    let valid = 0;
    let accepted = 0;
    const kinds: Record<string, number> = {};
    for (let i = 0; i < 1500; i++) {
      const params: Record<string, unknown> = {};
      for (let k = 0, n = 2 + random.int(8); k < n; k++) params[`${random.pick(['order', 'amount', 'user', 'x', 'custom'])}_${k}`] = random.pick([random.text(), random.int(100000) / 100, random.int(2) === 0]);
      const sign = await pspSign(params, TOKEN);
      expect(sign).toBe(referenceSha1Signature(params, TOKEN));
      if (await pspVerify({ ...params, sign }, TOKEN)) valid += 1;
      const keys = Object.keys(params);
      const key = random.pick(keys);
      const kind = random.pick(['value', 'drop', 'add', 'token', 'sign'] as const);
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      const forged: Record<string, unknown> = { ...params, sign };
      let token = TOKEN;
      if (kind === 'value') forged[key] = `${String(params[key])}${random.text(1)}`;
      if (kind === 'drop') delete forged[key];
      if (kind === 'add') forged[`zz_${random.text(3)}`] = random.text();
      if (kind === 'token') token = `${TOKEN}${random.text(1)}`;
      if (kind === 'sign') forged.sign = sign.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
      if (await pspVerify(forged, token)) accepted += 1;
    }
    process.stdout.write(`psp fuzz: 1500 valid (${valid} accepted); 1500 tampered ${JSON.stringify(kinds)}, ${accepted} accepted\n`);
    expect(valid).toBe(1500);
    expect(accepted).toBe(0);
  });
});

describe('createPaymentUrlHandler (the tenant serves /pay/url)', () => {
  const seen: unknown[] = [];
  const reported: string[] = [];
  const handler = createPaymentUrlHandler({
    crmPayToken: TOKEN,
    onError: (_error, context) => void reported.push(context.step),
    getPaymentUrl: (request) => (seen.push(request), `https://pay.psp.test/checkout?order=${request.order_no}`),
  });
  const send = (body: unknown, token = TOKEN) =>
    handler(new Request('https://psp.my-broker.test/pay/url', { method: 'POST', headers: { 'content-type': 'application/json', 'crm-pay-token': token }, body: JSON.stringify(body) }));
  const signed = async (body: Record<string, unknown>, token = TOKEN) => ({ ...body, sign: await pspSign(body, token) });

  it("answers the spec's example (re-signed with this token) with the documented 200 shape", async () => {
    const body = await signed(urlExample);
    const answer = await expectDocumentedResponse(api, 'getPaymentUrl', await send(body), 200);
    expect(answer).toEqual({ data: { url: 'https://pay.psp.test/checkout?order=sh4ykq5vj8e' }, result: true, msg: '' });
    expect(seen.at(-1)).toEqual(body);
  });

  it('accepts the example exactly as the spec holds it, under the demo token it was signed with', async () => {
    const demo = createPaymentUrlHandler({ crmPayToken: DEMO_TOKEN, getPaymentUrl: () => 'https://pay.psp.test/x' });
    const response = await demo(new Request('https://psp.test/pay/url', { method: 'POST', headers: { 'content-type': 'application/json', 'crm-pay-token': DEMO_TOKEN }, body: JSON.stringify(urlExample) }));
    expect(response.status).toBe(200);
  });

  it('401 (documented shape) to a wrong token or a wrong sign; your code never runs', async () => {
    const before = seen.length;
    const body = await signed(urlExample);
    const reportedBefore = reported.length;
    for (const response of [await send(body, 'wrong-token'), await send({ ...body, amount: 1 }), await send(urlExample)]) {
      await expectDocumentedResponse(api, 'getPaymentUrl', response, 401);
    }
    expect(seen.length).toBe(before);
    // The wrong token is not reported; the two wrong signs are (the token was right).
    expect(reported.slice(reportedBefore)).toEqual(['sign-mismatch', 'sign-mismatch']);
  });

  describe('the `sign` option (the token is always checked)', () => {
    const withSign = (mode: 'require' | 'if-present' | 'ignore' | undefined) => {
      const reports: unknown[] = [];
      const h = createPaymentUrlHandler({ crmPayToken: TOKEN, ...(mode ? { sign: mode } : {}), getPaymentUrl: () => 'https://pay.psp.test/x', onError: (e, c) => reports.push(c.step) });
      const post = (body: unknown, token = TOKEN) =>
        h(new Request('https://psp.test/pay/url', { method: 'POST', headers: { 'content-type': 'application/json', 'crm-pay-token': token }, body: JSON.stringify(body) }));
      return { post, reports };
    };
    const { sign: _drop, ...unsigned } = urlExample as Record<string, unknown>;

    it("default 'if-present': no sign → accepted by the token; a mismatched sign → 401 reported as sign-mismatch; a wrong token → 401, not reported", async () => {
      const { post, reports } = withSign(undefined);
      expect((await post(unsigned)).status).toBe(200);
      expect((await post({ ...unsigned, sign: await pspSign({ ...unsigned, amount: 1 }, TOKEN) })).status).toBe(401);
      expect((await post(await signed(unsigned), 'wrong-token')).status).toBe(401);
      expect(reports).toEqual(['sign-mismatch']);
    });

    it('accepts a genuine request with an empty optional field signed over every field (the production reading)', async () => {
      const { post } = withSign('require');
      const withEmpty = { ...unsigned, remark: '' };
      expect((await post({ ...withEmpty, sign: referenceSha1SignatureKeepingEmpties(withEmpty, TOKEN) })).status).toBe(200);
      expect((await post({ ...withEmpty, sign: referenceSha1Signature(withEmpty, TOKEN) })).status).toBe(200);
    });

    it("'require' refuses a request without a sign (reported as sign-missing); 'ignore' takes the token alone", async () => {
      const strict = withSign('require');
      expect((await strict.post(unsigned)).status).toBe(401);
      expect(strict.reports).toEqual(['sign-missing']);
      const lenient = withSign('ignore');
      expect((await lenient.post({ ...unsigned, sign: 'F'.repeat(40) })).status).toBe(200);
      expect((await lenient.post(unsigned, 'wrong-token')).status).toBe(401);
    });
  });

  it('400 naming the field and the rule to a signed but invalid body', async () => {
    const answer = (await expectDocumentedResponse(api, 'getPaymentUrl', await send(await signed({ ...urlExample, amount: -5, currency: 'usd' })), 400)) as { msg: string };
    expect(answer.msg).toContain('body.amount must be > 0');
    expect(answer.msg).toContain('body.currency must be a 3-letter upper-case currency code');
  });

  it('result false (documented) when your code fails, without its message', async () => {
    const reports: unknown[] = [];
    const failing = createPaymentUrlHandler({ crmPayToken: TOKEN, getPaymentUrl: () => { throw new Error('PSP said: internal 42'); }, onError: (error, context) => reports.push([(error as Error).message, context]) });
    const response = await failing(new Request('https://psp.test/pay/url', { method: 'POST', headers: { 'content-type': 'application/json', 'crm-pay-token': TOKEN }, body: JSON.stringify(await signed(urlExample)) }));
    const answer = await expectDocumentedResponse(api, 'getPaymentUrl', response, 200);
    expect(answer).toEqual({ data: null, result: false, msg: 'payment page unavailable' });
    expect(reports).toEqual([['PSP said: internal 42', { receiver: 'payment-url', step: 'getPaymentUrl', key: (urlExample as { order_no: string }).order_no }]]);
  });
});

describe('createPspCallbackClient against Prism mocking the CRM', () => {
  let prism: PrismServer;
  const sent: { url: string; headers: Headers; body: string; violations: string | null }[] = [];
  let prefer: string | undefined;
  const recordingFetch = async (request: Request) => {
    const body = await request.clone().text();
    const headers = new Headers(request.headers);
    if (prefer) headers.set('prefer', prefer);
    const response = await fetch(new Request(request.url, { method: request.method, headers, body }));
    sent.push({ url: request.url, headers: request.headers, body, violations: response.headers.get('sl-violations') });
    return response;
  };
  beforeAll(async () => {
    prism = await startPrism({ document: bundledSpecPath('psp') });
  });
  afterAll(() => prism.close());
  beforeEach(() => {
    prefer = undefined;
  });

  const report: PaymentCallback = { merchant_id: 'f23eb3a856284d0a87913e33ed581852', order_no: 'td0bhyp3lqm1', transaction_id: '98765434567876', amount: 432.98, currency: 'USD', time: 1631696419516, user_id: 'ewem9cab', status: 1 };

  it('signs and POSTs exactly the documented request, and resolves on 204', async () => {
    const client = createPspCallbackClient({ callbackUrl: `${prism.url}/pay/callback`, crmPayToken: TOKEN, fetch: recordingFetch });
    expect(await client.reportPayment(report)).toEqual({ outcome: 'recorded' });
    const last = sent.at(-1)!;
    expect(new URL(last.url).pathname).toBe('/pay/callback');
    expect(last.headers.get('crm-pay-token')).toBe(TOKEN);
    expect(last.headers.get('content-type')).toBe('application/json');
    expect(last.violations).toBeNull();
    const body = JSON.parse(last.body);
    expect(body).toEqual({ ...report, sign: referenceSha1Signature(report, TOKEN) });
    expect(last.body).toBe(JSON.stringify({ ...report, sign: body.sign }));
  });

  it.each(['payment_not_found', 'payment_amount_not_allowed', 'psp_token_invalid'])('maps the documented 400 %s to CrmApiError', async (type) => {
    prefer = `code=400, example=${type}`;
    const client = createPspCallbackClient({ callbackUrl: prism.url, crmPayToken: TOKEN, fetch: recordingFetch });
    const error = await client.reportPayment(report).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrmApiError);
    expect(error).toMatchObject({ status: 400, type, body: { error: true, code: 400, type }, operationId: 'reportPaymentResult' });
  });

  it('reads payment_status_not_pending as "already final" (the answer to a repeated report)', async () => {
    prefer = 'code=400, example=payment_status_not_pending';
    const client = createPspCallbackClient({ callbackUrl: prism.url, crmPayToken: TOKEN, fetch: recordingFetch });
    expect(await client.reportPayment(report)).toEqual({ outcome: 'already_final' });
  });

  it('refuses a report that breaks the spec before sending it', async () => {
    const client = createPspCallbackClient({ callbackUrl: prism.url, crmPayToken: TOKEN, fetch: recordingFetch });
    const count = sent.length;
    await expect(client.reportPayment({ ...report, status: 3 as never })).rejects.toThrow('reportPaymentResult: body.status must be one of: 0, 1, 2');
    expect(sent.length).toBe(count);
  });

  it('retries a report whose answer was lost (a repeat is harmless), then gives the outcome', async () => {
    const server = await startFaultServer({ fault: '503-then-200', okBody: {} });
    try {
      const client = createPspCallbackClient({ callbackUrl: server.url, crmPayToken: TOKEN, maxRetries: 2 });
      expect(await client.reportPayment(report)).toEqual({ outcome: 'recorded' });
      expect(server.received).toHaveLength(2);
      expect(server.received[1]!.body.equals(server.received[0]!.body)).toBe(true);
    } finally {
      await server.stop();
    }
  });
});
