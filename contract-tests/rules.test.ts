// The awkward rules of the spec, proven on the bundled schemas themselves: each pattern accepts and refuses
// exactly the right strings.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { bundle } from './harness/spec';

const ajv = new Ajv2020({ strict: false });
addFormats(ajv);
ajv.addFormat('password', true);
ajv.addSchema(bundle, 'crm-rest');
const accepts = (schema: string) => (value: unknown) => ajv.getSchema(`crm-rest#/components/schemas/${schema}`)!(value);

describe.each([
  ['DecimalAmount', ['250.00', '10', '0.5', '0.00000001', '123456789012.12345678', '100.5'], ['0', '0.00', '-5', '1e3', '10.123456789', '1234567890123', '010', '.5', '10.', ' 10', '1,5', 250]],
  ['Mt4Password', ['abc12', 'ABC12', 'abcDE', 'Trade2024', 'aB3aB3aB3aB3aB3'], ['ab1C', 'abcdefgh', 'ABCDEFGH', '12345678', '!!!!!!!!', 'aB3aB3aB3aB3aB3a']],
  ['Mt5Password', ['Trade#2024x', 'aB3!aB3!', 'Xy9_xY9_xY9_xY9'], ['aB3!aB3', 'Trade2024', 'trade#2024x', 'TRADE#2024X', 'Trade#xxxxx', 'aB3!aB3!aB3!aB3!']],
  ['WalletOrderId', ['ord-2024-0000001', 'ABCDEFGHIJKLMNOP'], ['ord-2024-000000', 'ord-2024-00000001']],
  ['UserId', ['3fA9kQ2z'], ['3fA9kQ2', '3fA9kQ2zz']],
  ['DateOnly', ['2024-05-01', '2024-02-29'], ['01-05-2024', '2024-5-1', '2024-13-01', '2023-02-29']],
  ['Leverage', [1, 100, 5000], [0, 5001, 1.5, '100']],
  ['Mt4TradeCmd', [0, 1, 2, 3, 4, 5, 6, 7], [8, -1, '0']],
  ['LanguageCode', ['en-us', 'zh-cn', 'zh-tw', 'vi', 'ja', 'th', 'id', 'de', 'es'], ['en', 'EN-US', 'fr']],
] as const)('%s', (schema, good, bad) => {
  it.each(good.map((v) => [JSON.stringify(v), v]))('accepts %s', (_label, value) => expect(accepts(schema)(value)).toBe(true));
  it.each(bad.map((v) => [JSON.stringify(v), v]))('refuses %s', (_label, value) => expect(accepts(schema)(value)).toBe(false));
});

it('wallet balances are an object of numbers keyed by currency', () => {
  expect(accepts('WalletBalances')({ USD: 1250.5, EUR: 0 })).toBe(true);
  expect(accepts('WalletBalances')({ USD: '1250.50' })).toBe(false);
});
