// Trading servers: connections, accounts of MT4, MT5 and cTrader, and the MT4 money movements. Balances
// change by exact decimal arithmetic; a deposit's `comment` is remembered for the CRM's 2-minute repeat window.
import { crmTimestamp } from '../clock';
import { toUnits, unitsNumber } from '../money';
import { accountKey, type Platform, type SandboxAccount, type SandboxState } from '../state';
import { defined, exampleAnswer, page, refuse, type OperationHandler, type SandboxCall, type SandboxContext } from './context';

const connectionOf = (state: SandboxState, id: unknown, platform: Platform) => {
  const connection = state.connections.get(String(id));
  return connection?.platform === platform ? connection : undefined;
};

export function accountRecord(a: SandboxAccount) {
  const equity = a.balance + a.credit + a.floating;
  const marginFree = equity - a.margin;
  return defined({
    ...a.extra,
    login: a.login, group: a.group, currency: a.currency, balance: unitsNumber(a.balance), credit: unitsNumber(a.credit),
    available_withdrawal: unitsNumber(marginFree - a.credit), leverage: a.leverage, equity: unitsNumber(equity), margin_free: unitsNumber(marginFree),
    margin: unitsNumber(a.margin), margin_level: a.margin > 0n ? Math.round((Number(equity) / Number(a.margin)) * 10000) / 100 : 0,
    created_at: a.created_at, name: a.name, email: a.email, comment: a.comment, enable: a.enable, enable_readonly: a.enable_readonly,
  });
}

const listAccounts = (platform: Platform): OperationHandler => ({ query }, { state }) => {
  const all = [...state.accounts.values()].filter((a) => a.platform === platform && (query.connection_id === undefined || a.connection_id === query.connection_id) && (query.user_id === undefined || a.user_id === query.user_id));
  const { count, records } = page(all, query.skip, query.limit);
  return { status: 200, body: { count, records: records.map(accountRecord) } };
};

const connectionInfo = (platform: Platform): OperationHandler => ({ op, query }, { state }) => {
  const c = connectionOf(state, query.connection_id, platform);
  return c ? { status: 200, body: { id: c.id, platform: c.platform, name: c.name, groups: c.groups, currencies: c.currencies, leverages: c.leverages } } : refuse(op, 400, 'invalid_request');
};

const createAccount = (platform: 'mt4' | 'mt5'): OperationHandler => ({ op, path, body }, { state, clock }) => {
  const connection = connectionOf(state, body.connection_id, platform);
  if (!connection) return refuse(op, 400, `${platform}_connection_not_found`);
  const client = state.clients.get(path.user_id);
  if (!client) return refuse(op, 400, 'user_not_found');
  let login: number = body.login ?? state.nextLogin[platform]++;
  while (state.accounts.has(accountKey(connection.id, login))) login = state.nextLogin[platform]++;
  const master = body.master_password ?? `Sb${state.ids.id(6)}1`;
  const investor = body.investor_password ?? `Sb${state.ids.id(6)}2`;
  state.accounts.set(accountKey(connection.id, login), {
    platform, connection_id: connection.id, login, user_id: client.id, group: body.group, currency: connection.currencies[0] ?? 'USD', leverage: body.leverage,
    balance: 0n, credit: 0n, floating: 0n, margin: 0n, name: client.name, email: client.email, enable: 1, enable_readonly: body.enable_readonly ? 1 : 0,
    created_at: crmTimestamp(clock.now()), extra: {},
  });
  return { status: 200, body: { login, master_password: master, investor_password: investor } };
};

/** The MT4 account a money movement names, or the documented refusal. */
function target({ op, path, body }: SandboxCall, state: SandboxState) {
  if (!connectionOf(state, body.connection_id, 'mt4')) return { refusal: refuse(op, 400, 'mt4_connection_not_found') };
  const account = state.accounts.get(accountKey(body.connection_id, Number(path.login)));
  return account ? { account } : { refusal: refuse(op, 400, 'mt4_account_not_found') };
}

function record(context: SandboxContext, account: SandboxAccount, type: 'deposit' | 'withdrawal', call: SandboxCall, before: bigint): void {
  const { state, clock } = context;
  state.transactions.push({
    id: `Tx${state.ids.id(7)}`, user_id: account.user_id ?? call.body.user_id, type, currency: call.body.currency, amount: toUnits(call.body.amount), atMs: clock.now(),
    comment: call.body.comment, trading_platform: 'mt4', trading_connection_id: account.connection_id, trading_id: String(account.login),
    previous_balance: before, new_balance: account.balance, status: 'approved', extra: {},
  });
}

export const tradingOperations: Record<string, OperationHandler> = {
  listTradingConnections: (_call, { state }) => ({ status: 200, body: [...state.connections.values()].map(({ id, platform, name }) => ({ id, platform, name })) }),
  getMt4ConnectionInfo: connectionInfo('mt4'),
  getMt5ConnectionInfo: connectionInfo('mt5'),
  getCtraderConnectionInfo: connectionInfo('ctrader'),
  listMt4Accounts: listAccounts('mt4'),
  listMt5Accounts: listAccounts('mt5'),
  listCtraderAccounts: listAccounts('ctrader'),
  createMt4Account: createAccount('mt4'),
  createMt5Account: createAccount('mt5'),
  // Trades are not simulated: the documented example page.
  listMt4Trades: ({ op }) => exampleAnswer(op),
  depositToMt4Account: (call, context) => {
    const found = target(call, context.state);
    if (!found.account) return found.refusal;
    const { account } = found;
    const key = `${account.connection_id}|${account.login}|${call.body.comment}`;
    const last = context.state.depositComments.get(key);
    // The window is the spec's (`x-repeat-window-ms`, 2 minutes), the one the reconciler relies on.
    if (last !== undefined && context.clock.now() - last < (call.op.repeatWindowMs ?? 0)) return { status: 200, body: { repeat: true } };
    const before = account.balance;
    account.balance += toUnits(call.body.amount);
    context.state.depositComments.set(key, context.clock.now());
    record(context, account, 'deposit', call, before);
    return { status: 204 };
  },
  withdrawFromMt4Account: (call, context) => {
    const found = target(call, context.state);
    if (!found.account) return found.refusal;
    const { account } = found;
    const amount = toUnits(call.body.amount);
    const withdrawable = account.balance + account.floating - account.margin;
    if (amount > withdrawable) return refuse(call.op, 400, 'insufficient_funds');
    const before = account.balance;
    account.balance -= amount;
    record(context, account, 'withdrawal', call, before);
    return { status: 204 };
  },
};

