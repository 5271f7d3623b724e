// External Wallets: the tenant's wallet service handler, driven with requests built from the spec's examples
// (valid, unsigned, mis-signed, wrong key, invalid), answers validated against the spec; and the shared SHA-1
// parameter signature fuzzed.
import { createHash } from 'node:crypto';
import { createExternalWalletHandler, type ExternalWallet } from '../src/receivers/external-wallets';
import { sha1ParamsSignature } from '../src/core/signatures/sha1-params';
import { pspSign } from '../src/receivers/psp/sign';
import { expectDocumentedResponse } from './harness/handler-answers';
import { registerSecret } from './harness/output-scan';
import { referenceSha1Signature } from './harness/reference-signature';
import { seededRandom } from './harness/random';
import { loadApi } from './harness/spec';

const api = loadApi('external-wallets');
const KEY = 'wallet-api-key-under-test';
const DEMO_KEY = 'demo-wallet-api-key';
registerSecret(KEY);

const wallets: ExternalWallet[] = [
  { id: 'wallet_123', external_user_id: 'user_456', amount: 1000.5, currency: 'USD', decimals: 2 },
  { id: 'wallet_124', external_user_id: 'user_456', amount: 0.12345678, currency: 'BTC', decimals: 8 },
  { id: 'wallet_200', external_user_id: 'user_789', amount: 12, currency: 'EUR', decimals: 2 },
];
const calls: string[] = [];
const handlerWith = (data: ExternalWallet[]) =>
  createExternalWalletHandler({
    apiKey: KEY,
    listWallets: ({ skip, limit, external_user_id }) => {
      calls.push('list');
      const matching = data.filter((w) => !external_user_id || external_user_id.includes(w.external_user_id));
      return { data: matching.slice(skip, skip + limit), count: matching.length };
    },
    getWallet: ({ external_user_id, currency }) => (calls.push('get'), data.find((w) => w.external_user_id === external_user_id && w.currency === currency)),
  });
const handler = handlerWith(wallets);

const list = async (body: unknown, { key = KEY, signature }: { key?: string; signature?: string } = {}) =>
  handler(
    new Request('https://api.yourdomain.test/wallets', {
      method: 'POST',
      headers: { 'content-type': 'application/json', key, signature: signature ?? (await sha1ParamsSignature(body as Record<string, unknown>, KEY)) },
      body: JSON.stringify(body),
    }),
  );
const getOne = (query: Record<string, string>, key = KEY) => handler(new Request(`https://api.yourdomain.test/wallets/getOne?${new URLSearchParams(query)}`, { headers: { key } }));

const expectAnswer = (opId: string, response: Response, status: number) => expectDocumentedResponse(api, opId, response, status);

describe('Get Wallet List (POST /wallets)', () => {
  const example = api.exampleInput('listExternalWallets').body as Record<string, unknown>;

  it("answers the spec's example, signed, with the documented shape", async () => {
    const body = await expectAnswer('listExternalWallets', await list(example), 200);
    expect(body).toEqual({ data: wallets.slice(0, 2), count: 2 });
  });

  it('the example header signature in the spec verifies under the demo key', async () => {
    const { node } = api.deref(api.operationById('listExternalWallets').operation.parameters[0], '');
    expect(await sha1ParamsSignature(example, DEMO_KEY)).toBe(node.example);
  });

  it('401 before your code runs: unsigned, mis-signed, signed with another key, wrong or missing key', async () => {
    const before = calls.length;
    const cases = [
      await list(example, { signature: '' }),
      await list(example, { signature: (await sha1ParamsSignature(example, KEY)).replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }),
      await list(example, { signature: await sha1ParamsSignature(example, 'another-key') }),
      await list({ ...example, limit: 21 }, { signature: await sha1ParamsSignature(example, KEY) }),
      await list(example, { key: 'wrong-key' }),
    ];
    for (const response of cases) expect((await expectAnswer('listExternalWallets', response, 401)).type).toMatch(/^invalid_(api_key|signature)$/);
    expect(calls.length).toBe(before);
  });

  it('400 naming the field and the rule to a signed, invalid body', async () => {
    const body = await expectAnswer('listExternalWallets', await list({ skip: -1, limit: 20 }), 400);
    expect(body).toEqual({ type: 'invalid_request', message: 'body.skip must be >= 0' });
    expect((await expectAnswer('listExternalWallets', await list({ limit: 20, owner: 'x' }), 400)).message).toBe('body.skip is required; body.owner is not a known field');
  });

  it('refuses (500 wallet_inconsistent), never rounds, an amount with more decimals than `decimals`', async () => {
    const bad = handlerWith([{ id: 'w1', external_user_id: 'user_456', amount: 10.005, currency: 'USD', decimals: 2 }]);
    const response = await bad(new Request('https://api.test/wallets', { method: 'POST', headers: { 'content-type': 'application/json', key: KEY, signature: await sha1ParamsSignature(example, KEY) }, body: JSON.stringify(example) }));
    expect(await expectAnswer('listExternalWallets', response, 500)).toEqual({ type: 'wallet_inconsistent', message: 'data[0].amount has more than 2 decimal places' });
    const tiny = handlerWith([{ id: 'w2', external_user_id: 'user_456', amount: 1e-9, currency: 'BTC', decimals: 8 }]);
    const second = await tiny(new Request('https://api.test/wallets', { method: 'POST', headers: { 'content-type': 'application/json', key: KEY, signature: await sha1ParamsSignature(example, KEY) }, body: JSON.stringify(example) }));
    expect((await expectAnswer('listExternalWallets', second, 500)).message).toBe('data[0].amount has more than 8 decimal places');
  });
});

describe('Get Single Wallet (GET /wallets/getOne)', () => {
  it("answers the spec's example query with the documented shape", async () => {
    const { query } = api.exampleInput('getExternalWallet').params;
    expect(await expectAnswer('getExternalWallet', await getOne(query as Record<string, string>), 200)).toEqual(wallets[0]);
  });

  it('401 to a wrong key, 400 naming a bad parameter, 404 to an unknown wallet', async () => {
    expect(await expectAnswer('getExternalWallet', await getOne({ external_user_id: 'user_456', currency: 'USD' }, 'nope'), 401)).toEqual({ type: 'invalid_api_key' });
    expect((await expectAnswer('getExternalWallet', await getOne({ external_user_id: 'user_456', currency: 'usd' }), 400)).message).toBe('query.currency must be an upper-case currency code');
    expect(await expectAnswer('getExternalWallet', await getOne({ external_user_id: 'nobody', currency: 'USD' }), 404)).toEqual({ type: 'wallet_not_found' });
  });
});

describe('one SHA-1 parameter signature for PSP and External Wallets', () => {
  it('pspSign is this signature keyed by the token; arrays render comma-joined as the JavaScript sample does', async () => {
    const params = { skip: 0, limit: 20, external_user_id: ['user_456', 'user_789'] };
    expect(await sha1ParamsSignature(params, KEY)).toBe(await pspSign(params, KEY));
    expect(await sha1ParamsSignature(params, KEY)).toBe(createHash('sha1').update(`external_user_id=user_456,user_789&limit=20&skip=0${KEY}`).digest('hex').toUpperCase());
    expect(await sha1ParamsSignature({ ...params, external_user_id: [] }, KEY)).toBe(await sha1ParamsSignature({ skip: 0, limit: 20 }, KEY));
  });

  it('fuzz: 600 random parameter sets with non-ASCII values: all match an independent implementation; 0 of 600 tampered accepted', async () => {
    const random = seededRandom(42);
    let accepted = 0;
    for (let i = 0; i < 600; i++) {
      const params: Record<string, unknown> = { skip: random.int(100), limit: 1 + random.int(500), external_user_id: Array.from({ length: 1 + random.int(3) }, () => random.text()) };
      if (random.int(2)) params[`note_${random.text(2)}`] = random.text();
      const signature = await sha1ParamsSignature(params, KEY);
      expect(signature).toBe(referenceSha1Signature(params, KEY));
      const forged = structuredClone(params);
      const arr = forged.external_user_id as string[];
      switch (random.int(4)) {
        case 0: arr[random.int(arr.length)] += random.text(1); break;
        case 1: forged.limit = (forged.limit as number) + 1; break;
        case 2: arr.push(random.text()); break;
        default: forged.skip = (forged.skip as number) + 1 + random.int(5);
      }
      const response = await handler(new Request('https://api.test/wallets', { method: 'POST', headers: { 'content-type': 'application/json', key: KEY, signature }, body: JSON.stringify(forged) }));
      if (response.status !== 401) accepted += 1;
    }
    process.stdout.write(`wallet signature fuzz: 600 sets match the reference; 600 tampered, ${accepted} accepted\n`);
    expect(accepted).toBe(0);
  });
});
