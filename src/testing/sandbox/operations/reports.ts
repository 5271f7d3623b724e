// Reports computed from what happened: the transactions report pages over every deposit, withdrawal and
// approved withdrawal request the sandbox recorded (plus the seeded example).
import { crmDate, crmTimestamp } from '../clock';
import { unitsNumber, unitsText } from '../money';
import type { SandboxTransaction } from '../state';
import { defined, exampleAnswer, page, refuse, type OperationHandler } from './context';

const MAX_RANGE_DAYS = 92;

function transactionRecord(t: SandboxTransaction) {
  return defined({
    ...t.extra,
    id: t.id, user_id: t.user_id, type: t.type, currency: t.currency, amount: unitsNumber(t.amount), timestamp: crmTimestamp(t.atMs), comment: t.comment,
    trading_platform: t.trading_platform, trading_connection_id: t.trading_connection_id, trading_id: t.trading_id,
    previous_balance: t.previous_balance === undefined ? undefined : unitsText(t.previous_balance), new_balance: t.new_balance === undefined ? undefined : unitsText(t.new_balance), status: t.status,
  });
}

export const reportOperations: Record<string, OperationHandler> = {
  getTransactionsReport: ({ op, body }, { state }) => {
    const { start, end } = body;
    // `end` at most 3 months after `start` (read as 92 days) and not before it.
    const days = (Date.parse(end) - Date.parse(start)) / 86_400_000;
    if (!(days >= 0 && days <= MAX_RANGE_DAYS)) return refuse(op, 400, 'invalid_request');
    const types: string[] | undefined = body.type?.length ? body.type : undefined;
    const matching = state.transactions.filter((t) => {
      const day = crmDate(t.atMs);
      return day >= start && day <= end && (!body.user_id || t.user_id === body.user_id) && (!types || types.includes(t.type)) && (!body.transaction_id || t.extra.ref_id === body.transaction_id);
    });
    const { count, records } = page(matching, body.skip, body.limit);
    return { status: 200, body: { count, records: records.map(transactionRecord) } };
  },
  // Commissions are not simulated (no trades are): the documented example page.
  getFixedCommissionReport: ({ op }) => exampleAnswer(op),
  getFlexibleCommissionReport: ({ op }) => exampleAnswer(op),
};
