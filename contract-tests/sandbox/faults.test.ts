// Every fault kind against every money operation, through the SDK: before commit nothing changed, after commit
// the money moved exactly once; either way one request reached the sandbox and the caller got
// CrmAmbiguousOutcomeError with the operation's reconcile handle, never a second request.
import { operations as operationTable } from '../../generated/crm-rest.operations';
import type { CrmClient } from '../../src/rest/client';
import { CrmAmbiguousOutcomeError } from '../../src/core/errors';
import { FAULT_KINDS, type FaultKind } from '../../src/testing/sandbox/faults';
import type { SandboxCrm } from '../../src/testing/sandbox/server';
import { useSandbox } from '../harness/sandbox';

const box = useSandbox();

interface MoneyCase {
  /** Sends the operation once. */
  send(crm: CrmClient): Promise<unknown>;
  /** What the state shows of this movement: the number of times it was applied. */
  applied(sandbox: SandboxCrm): number;
  handle: { field: string; value: unknown };
  /** Set-up (e.g. a pending request), returning nothing. */
  before?(sandbox: SandboxCrm): void;
}

let requestId = '';
const countTransactions = (sandbox: SandboxCrm, comment: string) => sandbox.state().transactions.filter((t: { comment?: string }) => t.comment === comment).length;

const CASES: Record<string, MoneyCase> = {
  depositToMt4Account: {
    send: (crm) => crm.POST('/public/v1/mt4/accounts/{login}/deposit', { params: { path: { login: 200118 } }, body: { connection_id: 'Cn4Mt001', currency: 'USD', amount: '12.34', comment: 'fault-dep' } }),
    applied: (sandbox) => countTransactions(sandbox, 'fault-dep'),
    handle: { field: 'comment', value: 'fault-dep' },
  },
  withdrawFromMt4Account: {
    send: (crm) => crm.POST('/public/v1/mt4/accounts/{login}/withdrawal', { params: { path: { login: 200118 } }, body: { connection_id: 'Cn4Mt001', currency: 'USD', amount: '12.34', comment: 'fault-wd' } }),
    applied: (sandbox) => countTransactions(sandbox, 'fault-wd'),
    handle: { field: 'comment', value: 'fault-wd' },
  },
  updateWalletBalance: {
    send: (crm) => crm.PATCH('/public/v1/wallets/balance', { body: { user_id: '3fA9kQ2z', currency: 'USD', amount: 12.34, order_id: 'ord-fault-000001' } }),
    applied: (sandbox) => sandbox.state().walletOrders.filter((o: { order_id: string; status: string }) => o.order_id === 'ord-fault-000001' && o.status === 'success').length,
    handle: { field: 'order_id', value: 'ord-fault-000001' },
  },
  approveWithdrawalRequest: {
    before: (sandbox) => {
      requestId = sandbox.createWithdrawalRequest({ user_id: '3fA9kQ2z', amount: '12.34' }).id;
    },
    send: (crm) => crm.POST('/public/v1/requests/withdrawal/approve', { body: { id: requestId } }),
    applied: (sandbox) => sandbox.state().withdrawalRequests.filter((r: { id: string; status: string }) => r.id === requestId && r.status === 'approved').length,
    get handle() {
      return { field: 'id', value: requestId };
    },
  },
};

it('covers every operation the spec marks x-money-movement', () => {
  const money = Object.values(operationTable).filter((op) => op.moneyMovement).map((op) => op.id).sort();
  expect(Object.keys(CASES).sort()).toEqual(money);
});

const matrix: [string, FaultKind, number | undefined][] = Object.keys(CASES).flatMap((opId) => FAULT_KINDS.flatMap((fault) => (fault.startsWith('status') ? [503, 429] : [undefined]).map((status): [string, FaultKind, number | undefined] => [opId, fault, status])));

describe.each(matrix)('%s under %s %s', (opId, fault, status) => {
  const money = CASES[opId]!;
  beforeEach(() => box.sandbox.reset());
  afterEach(() => expect(box.violations()).toEqual([]));

  it(`${fault.endsWith('after-commit') ? 'moves the money once' : 'moves nothing'}, sends once, throws CrmAmbiguousOutcomeError with the handle`, async () => {
    money.before?.(box.sandbox);
    box.sandbox.injectFault({ operationId: opId, fault, ...(status ? { status } : {}) });
    const before = box.sandbox.requests.length;
    const error = await money.send(box.client({ timeoutMs: 300, maxRetries: 3, backoff: { initialMs: 1, maxMs: 1 } })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CrmAmbiguousOutcomeError);
    expect(error).toMatchObject({ operationId: opId, reconcile: money.handle, status });
    expect(box.sandbox.requests.length - before).toBe(1);
    expect(money.applied(box.sandbox)).toBe(fault.endsWith('after-commit') ? 1 : 0);
  });
});
