// Rules the whole bundled spec keeps, checked on the bundle itself.
import { operations } from './harness/spec';

// INDEX.md's "never re-sent blindly" list (6, 9, 13, 14, 15, 19, 26, 30, 31, 32, 33 and Submit Client KYC),
// plus Validate User's Credentials (repeated failed attempts may lock an account).
const NEVER_RESENT = [
  'createClient', 'createLead', 'createMt4Account', 'depositToMt4Account', 'withdrawFromMt4Account', 'createMt5Account',
  'updateWalletBalance', 'approveWithdrawalRequest', 'rejectWithdrawalRequest', 'sendRegistrationOtp',
  'submitMultiStepRegistration', 'submitClientKyc', 'validateClientCredentials',
].sort();

it('every operation with a body requires the key and a signature (V2 or v1); the others only the key', () => {
  for (const op of operations) {
    const expected = op.operation.requestBody ? [{ ApiKey: [], Signature: [] }, { ApiKey: [], SignatureV1: [] }] : undefined;
    expect({ id: op.id, security: op.operation.security }).toEqual({ id: op.id, security: expected });
  }
});

it('exactly the operations that create something or move money are marked not safe to re-send', () => {
  expect(operations.filter((op) => op.operation['x-idempotent'] === false).map((op) => op.id).sort()).toEqual(NEVER_RESENT);
});

it('every money movement names the field to reconcile it by, and that field is in its body', () => {
  const money = operations.filter((op) => op.operation['x-money-movement'] === true);
  expect(money.map((op) => op.id).sort()).toEqual(['approveWithdrawalRequest', 'depositToMt4Account', 'updateWalletBalance', 'withdrawFromMt4Account']);
  for (const op of money) {
    const example = op.operation.requestBody.content['application/json'].example;
    expect(example).toHaveProperty(op.operation['x-reconcile-by']);
  }
});

it('operationIds are unique', () => {
  const ids = operations.map((op) => op.id);
  expect(new Set(ids).size).toBe(ids.length);
});

// generated/ imports nothing from src/, so the operation table carries its own copy of the entry's shape; this
// keeps the two the same in both directions (a field added to one and not the other fails the type-check).
// (Mutual assignability is not enough: an optional field on one side only passes it.)
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const entryShapesAgree: Same<import('../generated/crm-rest.operations').OperationEntry, import('../src/core/validation/types').OperationEntry> = true;
it('the generated operation-table entry has exactly the shape src/ reads', () => expect(entryShapesAgree).toBe(true));
