// Signature v1 (and so PSP `sign` and the wallet `signature`, the same one primitive) held to independent
// transcriptions of both readings of "empty values": 1,000 random flat bodies with non-ASCII text, numbers,
// booleans, empty strings and nulls. Verifying accepts either reading; signing sends no empty field, so both
// readings agree on what the client sends.
import { createCrmClient } from '../src/rest/client';
import { canonicalParams, sha1ParamsSignature, verifySha1ParamsSignature } from '../src/core/signatures/sha1-params';
import { pspVerify } from '../src/receivers/psp/sign';
import { signPayload } from '../src/core/signatures/hmac-sha256';
import { registerSecret } from './harness/output-scan';
import { seededRandom } from './harness/random';
import { referenceSha1Signature, referenceSha1SignatureKeepingEmpties } from './harness/reference-signature';

const KEY = 'v1-signing-key-0001';
registerSecret(KEY);
const random = seededRandom(18);
const KEYS = ['amount', 'a', 'Z', 'comment', 'currency', 'id', 'user_id', 'send_email', 'zeta', 'order_no', 'note', '_x'];

function flatBody(): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const count = 1 + random.int(8);
  for (let i = 0; i < count; i++) {
    const kind = random.int(7);
    body[random.pick(KEYS) + (random.next() < 0.3 ? String(i) : '')] =
      kind === 0 ? random.text() :
      kind === 1 ? Math.round((random.next() - 0.3) * 1e6) / 100 :
      kind === 2 ? random.int(2) === 0 :
      kind === 3 ? '' :
      kind === 4 ? null :
      kind === 5 ? [random.text(3), random.int(100)] :
      random.pick([0, 1e21, 1.5e-7, -0, 162.48]);
  }
  return body;
}

const bodies = Array.from({ length: 1000 }, flatBody);

it('1,000 random flat bodies: dropping empties gives the transcription of the prose, keeping them the transcription of the production adapter', async () => {
  let withEmpties = 0;
  for (const body of bodies) {
    expect(await sha1ParamsSignature(body, KEY, 'drop')).toBe(referenceSha1Signature(body, KEY));
    expect(await sha1ParamsSignature(body, KEY, 'keep')).toBe(referenceSha1SignatureKeepingEmpties(body, KEY));
    if (canonicalParams(body, 'drop') !== canonicalParams(body, 'keep')) withEmpties += 1;
  }
  process.stdout.write(`signature v1 fuzz: 1000 bodies (${withEmpties} with empty values) match both independent transcriptions\n`);
  expect(withEmpties).toBeGreaterThan(300);
});

it('verification accepts a signature computed either way and nothing tampered (1,000 each)', async () => {
  let accepted = 0;
  let pspAccepted = 0;
  let tamperedAccepted = 0;
  for (const [i, body] of bodies.entries()) {
    const signature = i % 2 === 0 ? referenceSha1Signature(body, KEY) : referenceSha1SignatureKeepingEmpties(body, KEY);
    if (await verifySha1ParamsSignature(body, KEY, signature)) accepted += 1;
    if (await pspVerify({ ...body, sign: signature.toLowerCase() }, KEY)) pspAccepted += 1; // the same primitive; hex in either case
    const tampered = { ...body, tampered: random.text() };
    if (await verifySha1ParamsSignature(tampered, KEY, signature)) tamperedAccepted += 1;
    if (await verifySha1ParamsSignature(body, `${KEY}x`, signature)) tamperedAccepted += 1;
  }
  expect({ accepted, pspAccepted, tamperedAccepted }).toEqual({ accepted: 1000, pspAccepted: 1000, tamperedAccepted: 0 });
});

it('the client with signatureVersion v1 sends no empty field and signs what it sends, in both readings alike (1,000 bodies)', async () => {
  const sent: { body: Record<string, unknown>; signature: string }[] = [];
  const crm = createCrmClient({
    baseUrl: 'http://crm.test',
    apiKey: KEY,
    signatureVersion: 'v1',
    validateRequests: false,
    fetch: async (request) => {
      sent.push({ body: JSON.parse(await request.text()), signature: request.headers.get('signature') ?? '' });
      return new Response('{"id":"Ld00a7Zq"}', { status: 201, headers: { 'content-type': 'application/json' } });
    },
  });
  for (const body of bodies) await crm.POST('/public/v1/leads', { body: body as never });
  for (const [i, { body, signature }] of sent.entries()) {
    expect(Object.values(body).some((v) => v === '' || v === null || (Array.isArray(v) && v.length === 0))).toBe(false);
    expect(signature).toBe(referenceSha1Signature(bodies[i]!, KEY));
    expect(signature).toBe(referenceSha1SignatureKeepingEmpties(body, KEY));
  }
});

it('refuses, before the network, a body v1 cannot sign unambiguously, naming the field and the rule', async () => {
  let calls = 0;
  const crm = createCrmClient({ baseUrl: 'http://crm.test', apiKey: KEY, signatureVersion: 'v1', fetch: async () => (calls++, new Response(null, { status: 201 })) });
  await expect(crm.POST('/public/v1/leads', { body: { email: 'a@b.test', phone: { country_code: '44', number: '1' } } })).rejects.toMatchObject({
    name: 'CrmValidationError',
    field: 'body.phone',
    message: 'createLead: body.phone must be a string, number, boolean or an array of them to be signed with signature v1 (nested values are not defined by the scheme)',
  });
  expect(calls).toBe(0);
  expect(() => createCrmClient({ baseUrl: 'http://crm.test', apiKey: KEY, signatureVersion: 'v3' as never })).toThrow("option `signatureVersion` must be 'v1' or 'v2'");
});

it("the spec's worked examples of both schemes are what the client computes", async () => {
  const { bundle } = require('./harness/spec') as typeof import('./harness/spec');
  const schemes = bundle.components.securitySchemes;
  const lead = { email: 'lee.prospect@mail.test', name: 'Lee Prospect' };
  expect(schemes.SignatureV1.description).toContain(`\`${await sha1ParamsSignature(lead, 'demo-api-key')}\``);
  expect(schemes.SignatureV1.description).toContain(`\`${referenceSha1Signature(lead, 'demo-api-key')}\``);
  expect(schemes.Signature.description).toContain(`\`${await signPayload(JSON.stringify(lead), 'demo-api-key')}\``);
});
