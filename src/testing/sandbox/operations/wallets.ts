// Client wallets: balance updates apply once per `order_id`, and the order-status call reports each one.
import { crmTimestamp } from '../clock';
import { toUnits, unitsNumber } from '../money';
import { refuse, type OperationHandler } from './context';

export const walletOperations: Record<string, OperationHandler> = {
  getWalletBalances: ({ op, query }, { state }) => {
    if (!state.clients.has(query.user_id)) return refuse(op, 400, 'account_not_found');
    const wallet = state.wallets.get(query.user_id) ?? new Map();
    return { status: 200, body: Object.fromEntries([...wallet].map(([currency, units]) => [currency, unitsNumber(units)])) };
  },
  updateWalletBalance: ({ op, body }, { state, clock }) => {
    // A used `order_id` is refused whatever became of its update (spec x-decision: `order_exists`).
    if (state.walletOrders.has(body.order_id)) return refuse(op, 400, 'order_exists');
    if (!state.clients.has(body.user_id)) return refuse(op, 400, 'account_not_found');
    const wallet = state.wallets.get(body.user_id) ?? new Map<string, bigint>();
    const amount = toUnits(body.amount);
    const after = (wallet.get(body.currency) ?? 0n) + amount;
    const order = { order_id: body.order_id, user_id: body.user_id, currency: body.currency, amount, atMs: clock.now() };
    if (after < 0n) {
      state.walletOrders.set(body.order_id, { ...order, status: 'failed' });
      return refuse(op, 400, 'insufficient_funds');
    }
    wallet.set(body.currency, after);
    state.wallets.set(body.user_id, wallet);
    state.walletOrders.set(body.order_id, { ...order, status: 'success' });
    return { status: 200, body: {} };
  },
  getWalletBalanceOrder: ({ op, path }, { state }) => {
    const order = state.walletOrders.get(path.order_id);
    if (!order) return refuse(op, 400, 'order_not_found');
    return { status: 200, body: { order_id: order.order_id, status: order.status, user_id: order.user_id, currency: order.currency, amount: unitsNumber(order.amount), created_at: crmTimestamp(order.atMs) } };
  },
};
