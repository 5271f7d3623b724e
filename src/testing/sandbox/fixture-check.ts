// A seed fixture (`POST /__sandbox/seed`, `seed()`, the `fixture` option) checked whole before any of it is
// applied: a refused fixture changes nothing, and nothing a fixture adds can later break a read (a client
// whose e-mail is a number made every look-up by e-mail throw). Each refusal is a RangeError naming the field.
import { unitsOrUndefined } from './money';
import type { SandboxFixture, WithdrawalRequestInput } from './state';

type Check = (value: unknown, at: string) => void;

const fail = (at: string, rule: string): never => {
  throw new RangeError(`${at} ${rule}`);
};
const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

const text: Check = (value, at) => void (typeof value === 'string' || fail(at, 'must be a string'));
const id: Check = (value, at) => void ((typeof value === 'string' && value !== '' && value.length <= 64) || fail(at, 'must be a non-empty string of at most 64 characters'));
const flag: Check = (value, at) => void (typeof value === 'boolean' || fail(at, 'must be true or false'));
const oneOf = (...allowed: string[]): Check => (value, at) => void (allowed.includes(value as string) || fail(at, `must be one of ${allowed.join(', ')}`));
const whole = (min: number): Check => (value, at) => void ((Number.isSafeInteger(value) && (value as number) >= min) || fail(at, `must be an integer of at least ${min}`));
const amount: Check = (value, at) => {
  if (typeof value !== 'string' && typeof value !== 'number') fail(at, 'must be a decimal string or number');
  if (unitsOrUndefined(value) === undefined) fail(at, 'must be a decimal with at most 8 places');
};
const listOf = (item: Check): Check => (value, at) => {
  if (!Array.isArray(value)) fail(at, 'must be an array');
  (value as unknown[]).forEach((entry, i) => item(entry, `${at}[${i}]`));
};
const object: Check = (value, at) => void (isObject(value) || fail(at, 'must be an object'));
const objects = listOf(object);
const steps: Check = (value, at) => void ((Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= 10) || fail(at, 'must be an integer from 1 to 10'));
const platform = oneOf('mt4', 'mt5', 'ctrader');

/** An object whose fields are checked by `fields` (required ones marked), and that has no other field. */
const record = (fields: Record<string, Check>, required: string[] = []): Check => (value, at) => {
  if (!isObject(value)) fail(at, 'must be an object');
  const entry = value as Record<string, unknown>;
  for (const name of required) if (entry[name] === undefined) fail(`${at}.${name}`, 'is required');
  for (const [name, field] of Object.entries(entry)) {
    if (!Object.hasOwn(fields, name)) fail(`${at}.${name}`, 'is not a field of a fixture');
    if (field !== undefined) fields[name]!(field, `${at}.${name}`);
  }
};

const client = record(
  {
    id, email: text, name: text, phone: record({ country_code: text, number: text }, ['country_code', 'number']), type: oneOf('trader', 'ib'), group_id: text, group_name: text,
    referral_code: text, referrer_id: text, kyc_status: oneOf('pending', 'verified', 'rejected'), kyc_processing: flag, kyc_form_id: text, kyc_form: objects, details: objects,
    owner: object, participants: objects, suspended: flag, password: text, first_open_time: text, created_at: text, updated_at: text,
  },
  ['id', 'email'],
);
const connection = record({ id, platform, name: text, groups: listOf(text), currencies: listOf(text), leverages: listOf(whole(1)) }, ['id', 'platform', 'name', 'groups', 'currencies', 'leverages']);
const account = record({ platform, connection_id: id, login: whole(0), user_id: id, group: text, currency: text, leverage: whole(1), balance: amount, credit: amount }, ['platform', 'connection_id', 'login']);
const withdrawalRequest = record({ id, user_id: id, platform, connection_id: text, login: whole(0), currency: text, amount, steps, withdrawal_method: text }, ['user_id', 'amount']);
const wallets: Check = (value, at) => {
  if (!isObject(value)) fail(at, 'must be an object of user id → currency → balance');
  for (const [userId, balances] of Object.entries(value as Record<string, unknown>)) {
    if (!isObject(balances)) fail(`${at}.${userId}`, 'must be an object of currency → balance');
    for (const [currency, balance] of Object.entries(balances as Record<string, unknown>)) amount(balance, `${at}.${userId}.${currency}`);
  }
};
const fixture = record({ clients: listOf(client), connections: listOf(connection), accounts: listOf(account), wallets, withdrawalRequests: listOf(withdrawalRequest) });

/** Throws a RangeError naming the first field of `value` that a fixture may not hold. */
export function checkFixture(value: unknown): asserts value is SandboxFixture {
  fixture(value, 'fixture');
}

/** The same for one withdrawal request (`POST /__sandbox/withdrawal-requests`). */
export function checkWithdrawalRequest(value: unknown): asserts value is WithdrawalRequestInput {
  withdrawalRequest(value, 'request');
}
