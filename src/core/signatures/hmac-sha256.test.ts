import { createHmac } from 'node:crypto';
import { signPayload, verifySignature } from './hmac-sha256';

const VECTOR_SECRET = "It's a Secret to Everybody";
const VECTOR_HEX = '757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

describe('signPayload', () => {
  it('matches the published test vector', async () => {
    await expect(signPayload('Hello, World!', VECTOR_SECRET)).resolves.toBe(`sha256=${VECTOR_HEX}`);
  });

  it('signs a string as its UTF-8 bytes, the same as node:crypto over those bytes', async () => {
    const body = JSON.stringify({ name: 'Zoë 李 ✓', amount: '10.50' });
    const expected = 'sha256=' + createHmac('sha256', 'k').update(Buffer.from(body, 'utf8')).digest('hex');
    await expect(signPayload(body, 'k')).resolves.toBe(expected);
    await expect(signPayload(new TextEncoder().encode(body), 'k')).resolves.toBe(expected);
  });
});

describe('verifySignature', () => {
  const body = '{"email":"a@b.test"}';
  let valid: string;
  beforeAll(async () => {
    valid = await signPayload(body, 'secret');
  });

  it('accepts the right signature, also with upper-case hex', async () => {
    await expect(verifySignature(body, valid, 'secret')).resolves.toBe(true);
    await expect(verifySignature(body, 'sha256=' + valid.slice(7).toUpperCase(), 'secret')).resolves.toBe(true);
  });

  it.each([
    ['missing (undefined)', undefined],
    ['missing (null)', null],
    ['empty', ''],
    ['another algorithm', 'sha1=' + 'a'.repeat(40)],
    ['no prefix', 'a'.repeat(64)],
    ['not hex', 'sha256=' + 'z'.repeat(64)],
    ['too short', 'sha256=' + 'a'.repeat(63)],
    ['too long', 'sha256=' + 'a'.repeat(65)],
    ['mismatched', 'sha256=' + 'a'.repeat(64)],
  ])('returns false, never throws, for a %s header', async (_label, header) => {
    await expect(verifySignature(body, header, 'secret')).resolves.toBe(false);
  });

  it('returns false for another secret or one changed byte', async () => {
    await expect(verifySignature(body, valid, 'other')).resolves.toBe(false);
    await expect(verifySignature(body.replace('a@', 'b@'), valid, 'secret')).resolves.toBe(false);
  });
});
