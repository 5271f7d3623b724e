// The sandbox's starting state, read from the spec's examples: the clients of the client list (with the
// owner, participants, registration and KYC details of the single-client examples), the referral chain the
// uplines/downlines examples show, the connections and accounts of the list examples, the wallet balances,
// the transactions report and the wallet order. What an example does not say is filled in plausibly.
import type { VirtualClock } from './clock';
import { toUnits } from './money';
import type { SandboxOperation } from './spec-index';
import { accountKey, addWithdrawalRequest, newClient, type Platform, type SandboxClient, type SandboxState } from './state';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The password the seeded clients sign in with: the one in the Validate Credentials example. */
const EXAMPLE_PASSWORD = 'S3cret-pass';

export function seedFromExamples(state: SandboxState, clock: VirtualClock, spec: SandboxOperation[]): void {
  const example = (id: string): Json => spec.find((op) => op.id === id)?.example.body;

  // Clients: the list's records, then the people of the referral chain that only the up/downline examples name.
  for (const record of example('listClients')?.records ?? []) {
    const { trading_accounts: _accounts, kyc_status, kyc_processing, downline_count: _count, referrer_name: _name, ...rest } = record;
    newClient(state, clock, { ...rest, kyc_status, kyc_processing, password: EXAMPLE_PASSWORD });
  }
  const uplines = example('getClientUplines');
  const chain: Json[] = [uplines, ...(uplines?.uplines ?? [])];
  chain.forEach((person, i) => {
    const next = chain[i + 1];
    if (!person?.id) return;
    if (!state.clients.has(person.id)) newClient(state, clock, { id: person.id, email: person.email, name: person.name, phone: person.phone, type: 'ib', kyc_status: 'verified', password: EXAMPLE_PASSWORD });
    const client = state.clients.get(person.id) as SandboxClient;
    if (next?.id) client.referrer_id = next.id;
  });
  const walk = (node: Json, parent: string | undefined) => {
    if (!node?.id) return;
    if (!state.clients.has(node.id)) newClient(state, clock, { id: node.id, email: node.email, phone: node.phone, type: node.downlines?.length ? 'ib' : 'trader', password: EXAMPLE_PASSWORD });
    if (parent) (state.clients.get(node.id) as SandboxClient).referrer_id = parent;
    for (const child of node.downlines ?? []) walk(child, node.id);
  };
  walk(example('getClientDownlines'), undefined);

  const single = example('getClient');
  const jane = single && state.clients.get(single.id);
  if (jane) {
    jane.owner = single.owner;
    jane.participants = single.participants;
    jane.details = example('getClientRegistrationDetails') ?? [];
    const kyc = example('getClientKycDetails');
    jane.kyc_form_id = kyc?.form_id;
    jane.kyc_form = kyc?.form ?? [];
  }

  // Connections, with the groups, currencies and leverages of the connection-info example.
  const info = example('getMt4ConnectionInfo') ?? {};
  for (const c of example('listTradingConnections') ?? []) {
    state.connections.set(c.id, { id: c.id, platform: c.platform, name: c.name, groups: info.groups ?? [], currencies: info.currencies ?? [], leverages: info.leverages ?? [] });
  }

  // Accounts: each list's records, on the first connection of that platform, owned by whoever lists it.
  const owners = new Map<string, string>();
  for (const client of example('listClients')?.records ?? []) for (const ref of client.trading_accounts ?? []) owners.set(`${ref.platform}|${ref.trading_id}`, client.id);
  for (const [platform, opId] of [['mt4', 'listMt4Accounts'], ['mt5', 'listMt5Accounts'], ['ctrader', 'listCtraderAccounts']] as const) {
    const connection = [...state.connections.values()].find((c) => c.platform === platform);
    if (!connection) continue;
    for (const record of example(opId)?.records ?? []) {
      const { login, group, currency, leverage, balance, credit, equity, margin, created_at, name, email, comment, enable, enable_readonly, ...extra } = record;
      for (const derived of ['available_withdrawal', 'margin_free', 'margin_level']) delete extra[derived];
      const owner = owners.get(`${platform}|${login}`) ?? [...state.clients.values()].find((c) => c.email === email)?.id;
      const balanceUnits = toUnits(balance ?? 0);
      const creditUnits = toUnits(credit ?? 0);
      state.accounts.set(accountKey(connection.id, login), {
        platform: platform as Platform,
        connection_id: connection.id,
        login,
        ...(owner ? { user_id: owner } : {}),
        group,
        currency,
        leverage,
        balance: balanceUnits,
        credit: creditUnits,
        floating: toUnits(equity ?? 0) - balanceUnits - creditUnits,
        margin: toUnits(margin ?? 0),
        name,
        email,
        comment,
        enable: enable ?? 1,
        enable_readonly: enable_readonly ?? 0,
        created_at,
        extra,
      });
    }
  }

  // Wallet balances of the client the wallet example is for (the example's query user).
  const walletUser = jane?.id;
  if (walletUser) state.wallets.set(walletUser, new Map(Object.entries<number>(example('getWalletBalances') ?? {}).map(([cur, amount]) => [cur, toUnits(amount)])));

  for (const record of example('getTransactionsReport')?.records ?? []) {
    const { id, user_id, type, currency, amount, timestamp, comment, trading_platform, trading_connection_id, trading_id, previous_balance, new_balance, status, ...extra } = record;
    state.transactions.push({
      id, user_id, type, currency, amount: toUnits(amount), atMs: Date.parse(`${timestamp.replace(' ', 'T')}Z`), comment, trading_platform, trading_connection_id, trading_id,
      previous_balance: toUnits(previous_balance), new_balance: toUnits(new_balance), status, extra,
    });
  }

  const order = example('getWalletBalanceOrder');
  if (order) state.walletOrders.set(order.order_id, { order_id: order.order_id, status: order.status, user_id: order.user_id, currency: order.currency, amount: toUnits(order.amount), atMs: Date.parse(`${order.created_at.replace(' ', 'T')}Z`) });

  // The pending withdrawal request the approve/reject examples name, on the example client's MT4 account.
  const requestId = (spec.find((op) => op.id === 'approveWithdrawalRequest')?.requestExample as Json)?.id;
  const account = [...state.accounts.values()].find((a) => a.platform === 'mt4' && a.user_id === jane?.id);
  if (requestId && jane && account) addWithdrawalRequest(state, clock, { id: requestId, user_id: jane.id, login: account.login, amount: '100.00' });
}
