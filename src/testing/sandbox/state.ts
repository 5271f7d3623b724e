// Everything the sandbox CRM remembers, and how it starts: from the spec's own examples (the same clients,
// accounts, balances and transactions its documentation shows), so the documented example calls still work.
import { crmTimestamp, type VirtualClock } from './clock';
import { IdGenerator } from './ids';
import { toUnits, unitsText, type Units } from './money';
import { emptyOAuthState, type OAuthState } from './oauth/oauth-state';

export type Platform = 'mt4' | 'mt5' | 'ctrader';
type Json = Record<string, unknown>;

export interface SandboxClient {
  id: string;
  email: string;
  name?: string;
  phone?: { country_code: string; number: string };
  type: 'trader' | 'ib';
  group_id?: string;
  group_name?: string;
  referral_code?: string;
  referrer_id?: string;
  kyc_status: 'pending' | 'verified' | 'rejected';
  kyc_processing: boolean;
  kyc_form_id?: string;
  kyc_form: Json[];
  details: Json[];
  owner?: Json;
  participants?: Json[];
  suspended: boolean;
  password?: string;
  first_open_time?: string;
  created_at: string;
  updated_at: string;
}

export interface SandboxLead {
  id: string;
  email: string;
  name?: string;
  phone?: unknown;
  language?: string;
  custom_fields?: unknown;
  created_at: string;
}

export interface SandboxConnection {
  id: string;
  platform: Platform;
  name: string;
  groups: string[];
  currencies: string[];
  leverages: number[];
}

export interface SandboxAccount {
  platform: Platform;
  connection_id: string;
  login: number;
  user_id?: string;
  group: string;
  currency: string;
  leverage: number;
  balance: Units;
  credit: Units;
  /** Open positions are not simulated: their floating profit and margin stay as seeded. */
  floating: Units;
  margin: Units;
  name?: string;
  email?: string;
  comment?: string;
  enable: 0 | 1;
  enable_readonly: 0 | 1;
  created_at: string;
  /** Fields of the seeded example the sandbox does not compute (e.g. `lead_source`), echoed as they were. */
  extra: Json;
}

export interface SandboxTransaction {
  id: string;
  user_id?: string;
  type: string;
  currency: string;
  amount: Units;
  atMs: number;
  comment?: string;
  trading_platform?: string;
  trading_connection_id?: string;
  trading_id?: string;
  previous_balance?: Units;
  new_balance?: Units;
  status: string;
  extra: Json;
}

export interface SandboxWalletOrder {
  order_id: string;
  status: 'pending' | 'success' | 'failed';
  user_id: string;
  currency: string;
  amount: Units;
  atMs: number;
}

export interface SandboxWithdrawalRequest {
  id: string;
  user_id: string;
  status: 'pending' | 'approved' | 'rejected';
  /** Approval nodes the request must pass; one approve call passes one node. */
  steps: number;
  /** Nodes passed so far. */
  approved_nodes: number;
  platform: Platform;
  connection_id: string;
  login: number;
  currency: string;
  amount: Units;
  withdrawal_method: string;
  comment?: string;
  atMs: number;
}

/** The kinds of back-office request whose decisions the CRM sends as webhooks, besides withdrawals and KYC. */
export const BACK_OFFICE_REQUEST_TYPES = ['transfer', 'propTrading', 'propTradingLive'] as const;
export type BackOfficeRequestType = (typeof BACK_OFFICE_REQUEST_TYPES)[number];

/** A transfer or prop-trading request, decided node by node in the back office (control API). */
export interface SandboxBackOfficeRequest {
  id: string;
  type: BackOfficeRequestType;
  user_id: string;
  status: 'pending' | 'approved' | 'rejected';
  steps: number;
  approved_nodes: number;
  atMs: number;
}

/** A deposit through the tenant's PSP: asked for with `/pay/url`, settled by the PSP's callback (once). */
export interface SandboxPspOrder {
  order_no: string;
  user_id: string;
  /** What the payer pays, in `currency`. */
  amount: Units;
  currency: string;
  /** The wallet credited, and by how much (the amount converted at `rate` when the currencies differ). */
  wallet_currency: string;
  credit_amount: Units;
  rate?: number;
  status: 'pending' | 'success' | 'failed';
  /** The page the tenant answered for the payer. */
  payment_url?: string;
  transaction_id?: string;
  atMs: number;
}

/** The tenant's wallets as the sandbox last read them (sync) or as a transfer answered them. */
export interface SandboxExternalWallet {
  id: string;
  external_user_id: string;
  amount: number;
  currency: string;
  decimals: number;
}

/** A credit or debit the sandbox sent to the tenant's wallet service, and what became of it. */
export interface SandboxExternalTransfer {
  order_id: string;
  external_user_id: string;
  currency: string;
  amount: number;
  direction: 'credit' | 'debit';
  /** `done`: the tenant answered the wallet after it; `refused`: a documented refusal (`refusal` says which); `unknown`: no usable answer. */
  status: 'done' | 'refused' | 'unknown';
  refusal?: string;
  callId: number;
  atMs: number;
}

export interface SandboxState {
  clients: Map<string, SandboxClient>;
  leads: Map<string, SandboxLead>;
  connections: Map<string, SandboxConnection>;
  /** By `${connection_id}|${login}`. */
  accounts: Map<string, SandboxAccount>;
  transactions: SandboxTransaction[];
  /** user id → currency → balance. */
  wallets: Map<string, Map<string, Units>>;
  walletOrders: Map<string, SandboxWalletOrder>;
  withdrawalRequests: Map<string, SandboxWithdrawalRequest>;
  /** When each deposit comment was last deposited, by `${connection_id}|${login}|${comment}`: the repeat window. */
  depositComments: Map<string, number>;
  /** Transfer and prop-trading requests, by id. */
  backOfficeRequests: Map<string, SandboxBackOfficeRequest>;
  /** Deposits through the tenant's PSP, by order_no. */
  pspOrders: Map<string, SandboxPspOrder>;
  /** Rates the tenant's rate API answered, by `FROM/TO`. */
  rates: Map<string, number>;
  /** external_user_id → currency → wallet. */
  externalWallets: Map<string, Map<string, SandboxExternalWallet>>;
  externalTransfers: SandboxExternalTransfer[];
  /** Registration OTPs sent, by e-mail. */
  otps: Map<string, string>;
  /** Client OAuth: codes, tokens, MFA steps and MFA settings (see sandbox/oauth.ts). */
  oauth: OAuthState;
  ids: IdGenerator;
  nextLogin: Record<Platform, number>;
}

export const accountKey = (connectionId: string, login: number) => `${connectionId}|${login}`;

/** What a seed fixture (`POST /__sandbox/seed`, `startSandboxCrm({ seed })`) may hold; every list is optional. */
export interface SandboxFixture {
  clients?: (Partial<SandboxClient> & { id: string; email: string })[];
  connections?: SandboxConnection[];
  accounts?: { platform: Platform; connection_id: string; login: number; user_id?: string; group?: string; currency?: string; leverage?: number; balance?: string | number; credit?: string | number }[];
  /** user id → currency → balance. */
  wallets?: Record<string, Record<string, string | number>>;
  withdrawalRequests?: WithdrawalRequestInput[];
}

export interface WithdrawalRequestInput {
  id?: string;
  user_id: string;
  platform?: Platform;
  connection_id?: string;
  login?: number;
  currency?: string;
  amount: string | number;
  steps?: number;
  withdrawal_method?: string;
}

export function emptyState(seed: number): SandboxState {
  return {
    clients: new Map(),
    leads: new Map(),
    connections: new Map(),
    accounts: new Map(),
    transactions: [],
    wallets: new Map(),
    walletOrders: new Map(),
    withdrawalRequests: new Map(),
    depositComments: new Map(),
    backOfficeRequests: new Map(),
    pspOrders: new Map(),
    rates: new Map(),
    externalWallets: new Map(),
    externalTransfers: [],
    otps: new Map(),
    oauth: emptyOAuthState(),
    ids: new IdGenerator(seed),
    nextLogin: { mt4: 200200, mt5: 500300, ctrader: 800100 },
  };
}

export function newClient(state: SandboxState, clock: VirtualClock, fields: Partial<SandboxClient> & { email: string }): SandboxClient {
  const now = crmTimestamp(clock.now());
  const client: SandboxClient = {
    type: 'trader',
    kyc_status: 'pending',
    kyc_processing: false,
    kyc_form: [],
    details: [],
    suspended: false,
    created_at: now,
    updated_at: now,
    ...fields,
    id: fields.id ?? state.ids.id(),
  };
  state.clients.set(client.id, client);
  return client;
}

export function addWithdrawalRequest(state: SandboxState, clock: VirtualClock, input: WithdrawalRequestInput): SandboxWithdrawalRequest {
  if (!state.clients.has(input.user_id)) throw new RangeError(`no client ${input.user_id}`);
  const account = [...state.accounts.values()].find((a) => a.user_id === input.user_id && (input.login === undefined || a.login === input.login));
  const steps = input.steps ?? 1;
  if (!Number.isInteger(steps) || steps < 1 || steps > 10) throw new RangeError('steps must be an integer from 1 to 10');
  const request: SandboxWithdrawalRequest = {
    id: input.id ?? state.ids.id(),
    user_id: input.user_id,
    status: 'pending',
    steps,
    approved_nodes: 0,
    platform: input.platform ?? account?.platform ?? 'mt4',
    connection_id: input.connection_id ?? account?.connection_id ?? '',
    login: input.login ?? account?.login ?? 0,
    currency: input.currency ?? account?.currency ?? 'USD',
    amount: toUnits(input.amount),
    withdrawal_method: input.withdrawal_method ?? 'Bank transfer',
    atMs: clock.now(),
  };
  state.withdrawalRequests.set(request.id, request);
  return request;
}

/**
 * Adds a fixture's entities to the state (existing ids are replaced). The fixture has passed checkFixture (the
 * engine checks what it is given); one refused here (a RangeError naming the field) changes nothing.
 */
export function applyFixture(state: SandboxState, clock: VirtualClock, fixture: SandboxFixture): void {
  for (const [i, request] of (fixture.withdrawalRequests ?? []).entries()) {
    if (!state.clients.has(request.user_id) && !fixture.clients?.some((c) => c.id === request.user_id)) throw new RangeError(`fixture.withdrawalRequests[${i}].user_id: no client ${request.user_id}`);
  }
  for (const connection of fixture.connections ?? []) state.connections.set(connection.id, connection);
  for (const client of fixture.clients ?? []) newClient(state, clock, client);
  for (const a of fixture.accounts ?? []) {
    const now = crmTimestamp(clock.now());
    state.accounts.set(accountKey(a.connection_id, a.login), {
      platform: a.platform,
      connection_id: a.connection_id,
      login: a.login,
      ...(a.user_id ? { user_id: a.user_id } : {}),
      group: a.group ?? 'real-standard',
      currency: a.currency ?? 'USD',
      leverage: a.leverage ?? 100,
      balance: toUnits(a.balance ?? 0),
      credit: toUnits(a.credit ?? 0),
      floating: 0n,
      margin: 0n,
      enable: 1,
      enable_readonly: 0,
      created_at: now,
      extra: {},
    });
  }
  for (const [userId, balances] of Object.entries(fixture.wallets ?? {})) {
    const wallet = state.wallets.get(userId) ?? new Map<string, Units>();
    for (const [currency, amount] of Object.entries(balances)) wallet.set(currency, toUnits(amount));
    state.wallets.set(userId, wallet);
  }
  for (const request of fixture.withdrawalRequests ?? []) addWithdrawalRequest(state, clock, request);
}

/** The state, as plain JSON (what `GET /__sandbox/state` answers); amounts as decimal strings. */
/** A record as `state()` shows it: amounts as decimal strings, maps as objects, no password. */
export type Snapshot<T> = T extends Units
  ? string
  : T extends Map<string, infer V>
    ? Record<string, Snapshot<V>>
    : T extends (infer Item)[]
      ? Snapshot<Item>[]
      : T extends object
        ? { [K in keyof T as K extends 'password' ? never : K]: Snapshot<T[K]> }
        : T;

/** What `sandbox.state()` and `GET /__sandbox/state` answer (exported as `SandboxState` from crm-open-api/testing). */
export interface SandboxStateSnapshot {
  oauth: { mfa: OAuthState['mfa']; refreshTokens: { userId: string; active: boolean }[] };
  clients: Snapshot<SandboxClient>[];
  leads: Snapshot<SandboxLead>[];
  connections: Snapshot<SandboxConnection>[];
  accounts: Snapshot<SandboxAccount>[];
  transactions: Snapshot<SandboxTransaction>[];
  /** user id → currency → balance. */
  wallets: Record<string, Record<string, string>>;
  walletOrders: Snapshot<SandboxWalletOrder>[];
  withdrawalRequests: Snapshot<SandboxWithdrawalRequest>[];
  backOfficeRequests: Snapshot<SandboxBackOfficeRequest>[];
  pspOrders: Snapshot<SandboxPspOrder>[];
  /** Rates the tenant's rate API answered, by `FROM/TO`. */
  rates: Record<string, number>;
  /** external_user_id → the tenant's wallets as last read. */
  externalWallets: Record<string, Snapshot<SandboxExternalWallet>[]>;
  externalTransfers: Snapshot<SandboxExternalTransfer>[];
}

export function stateSnapshot(state: SandboxState): SandboxStateSnapshot {
  const amounts = (value: unknown): unknown => {
    if (typeof value === 'bigint') return unitsText(value);
    if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, amounts(v)]));
    if (Array.isArray(value)) return value.map(amounts);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'password').map(([k, v]) => [k, amounts(v)]));
    return value;
  };
  return amounts({
    oauth: { mfa: state.oauth.mfa, refreshTokens: [...state.oauth.refreshTokens.values()].map(({ userId, active }) => ({ userId, active })) },
    clients: [...state.clients.values()],
    leads: [...state.leads.values()],
    connections: [...state.connections.values()],
    accounts: [...state.accounts.values()],
    transactions: state.transactions,
    wallets: state.wallets,
    walletOrders: [...state.walletOrders.values()],
    withdrawalRequests: [...state.withdrawalRequests.values()],
    backOfficeRequests: [...state.backOfficeRequests.values()],
    pspOrders: [...state.pspOrders.values()],
    rates: state.rates,
    externalWallets: new Map([...state.externalWallets].map(([user, wallets]) => [user, [...wallets.values()]])),
    externalTransfers: state.externalTransfers,
  }) as SandboxStateSnapshot;
}

