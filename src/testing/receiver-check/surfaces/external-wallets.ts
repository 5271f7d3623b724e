// The wallet service's cases. The CRM sends `key` on every call and `signature` (the SHA-1 parameter
// signature keyed by the key) on every call with a body, so the key cases hit both a POST and the GET, and the
// signature cases the list (it moves nothing). The cases that move money (a credit, a debit, their repeats) run
// only with `allowWrites` and a `testUser` the tenant names, in the smallest unit of that user's wallet, and
// each credit is taken back by a debit of the same amount.
import { sha1ParamsSignature } from '../../../core/signatures/sha1-params';
import { answerJson, answered, expectDocumented, expectRefused, failed, passed, type CaseContext, type CaseOutcome, type KitCase } from '../case';
import type { Exchange, KitRequest } from '../send';
import { WRONG_SECRET, bodyValue, deepBody, malformedBody, oversizeBody, tamperedBody, withBody, withHeaders, withoutHeader } from '../variations';
import type { CrmCall } from '../well-formed-call';

/** The `external_user_id` of the other request whose parameters a mismatched `signature` is computed over. */
export const OTHER_USER_ID = 'crm-open-api-check-other-user';

export interface WalletCaseOptions {
  walletsKey: string;
  /** Set only with allowWrites: the money cases run on this user's wallet. */
  moneyUser?: string;
  /** Why the money cases are skipped, when they are. */
  moneySkip?: string;
  testUser?: string;
  currency: string;
  /** A fresh order_id per transfer (random: never one the service has seen; a repeat reuses the request itself). */
  orderId: () => string;
}

const signedWith = async (request: KitRequest, key: string, params: Record<string, unknown> = bodyValue(request)): Promise<KitRequest> => withHeaders(request, { signature: await sha1ParamsSignature(params, key) });

/** Amount as integer units of `decimals` places, and back: balances compared exactly, never as floats. */
const toUnits = (amount: number, decimals: number) => Math.round(amount * 10 ** decimals);
const fromUnits = (units: number, decimals: number) => Number((units / 10 ** decimals).toFixed(decimals));

type Wallet = { amount: number; decimals: number };

export function walletCases(options: WalletCaseOptions): KitCase<CrmCall>[] {
  const { walletsKey, currency } = options;
  const user = options.moneyUser ?? options.testUser;
  const list: CrmCall = { operationId: 'listExternalWallets', ...(user ? { body: { external_user_id: [user] } } : {}) };
  const getOne: CrmCall = { operationId: 'getExternalWallet', query: { ...(user ? { external_user_id: user } : {}), currency } };
  const money = options.moneySkip ? { skip: options.moneySkip } : {};

  /**
   * The test user's wallet, read through the tenant's own getOne: a 200 with a numeric `amount` and integer
   * `decimals` is all a money case needs (the rest of its shape is operation.getExternalWallet's to judge).
   */
  async function readWallet(context: CaseContext<CrmCall>): Promise<Wallet | CaseOutcome> {
    const exchange = await context.send(await context.build(getOne));
    if (!answered(exchange)) return failed(`reading the balance through getOne: ${exchange.failure}`);
    const wallet = answerJson(exchange) as Partial<Wallet> | null | undefined;
    if (exchange.status !== 200 || typeof wallet?.amount !== 'number' || !Number.isInteger(wallet.decimals) || wallet.decimals! < 0 || wallet.decimals! > 12) {
      return failed(`reading the balance through getOne: answered ${exchange.status}, not a wallet with a numeric amount and integer decimals`, { status: exchange.status });
    }
    return wallet as Wallet;
  }
  const isWallet = (read: Wallet | CaseOutcome): read is Wallet => !('verdict' in read);
  const transfer = (kind: 'credit' | 'debit', amount: number, orderId = options.orderId()): CrmCall => ({
    operationId: kind === 'credit' ? 'creditExternalWallet' : 'debitExternalWallet',
    body: { order_id: orderId, external_user_id: options.moneyUser, currency, amount },
  });
  const expectType = (exchange: Exchange, status: number, type: string, what: string): CaseOutcome => {
    if (!answered(exchange)) return failed(`${what}: ${exchange.failure}`);
    const got = (answerJson(exchange) as { type?: unknown } | null | undefined)?.type;
    if (exchange.status !== status || got !== type) return failed(`${what} was answered ${exchange.status}${typeof got === 'string' ? ` ${got}` : ''}; expected ${status} ${type}`, { status: exchange.status });
    return passed(status);
  };
  /** Balance after, against before plus `deltaUnits`. */
  const balanceMoved = (before: Wallet, after: Wallet, deltaUnits: number, what: string): CaseOutcome | undefined => {
    const moved = toUnits(after.amount, before.decimals) - toUnits(before.amount, before.decimals);
    return moved === deltaUnits ? undefined : failed(`${what}: the balance moved by ${fromUnits(moved, before.decimals)}, expected ${fromUnits(deltaUnits, before.decimals)}`);
  };

  const refusal = (id: string, title: string, call: CrmCall, vary: (request: KitRequest) => Promise<KitRequest> | KitRequest, what: string, group: 'authentication' | 'robustness'): KitCase<CrmCall> => ({
    id,
    group,
    title,
    run: async ({ build, send }) => expectRefused(await send(await vary(await build(call))), what, { critical: group === 'authentication' }),
  });
  /** The key cases: the POST and the GET must both refuse. */
  const keyRefusal = (id: string, title: string, vary: (request: KitRequest) => Promise<KitRequest> | KitRequest, what: string): KitCase<CrmCall> => ({
    id,
    group: 'authentication',
    title,
    run: async ({ build, send }) => {
      const post = expectRefused(await send(await vary(await build(list))), `${what} (POST /wallets)`, { critical: true });
      if (post.verdict !== 'passed') return post;
      return expectRefused(await send(await vary(await build(getOne))), `${what} (GET /wallets/getOne)`, { critical: true });
    },
  });

  return [
    {
      id: 'operation.listExternalWallets',
      group: 'operation',
      title: `the spec's example${user ? ' (for the test user)' : ''}, with key and signature: a documented 200`,
      run: async (context) => expectDocumented(context, 'listExternalWallets', await context.send(await context.build(list)), (s) => s === 200, "a signed list of the spec's example"),
    },
    {
      id: 'operation.getExternalWallet',
      group: 'operation',
      title: `the spec's example${user ? ' (for the test user)' : ''} with the key: a documented 200, or 404 wallet_not_found`,
      run: async (context) => expectDocumented(context, 'getExternalWallet', await context.send(await context.build(getOne)), (s) => s === 200 || s === 404, "getOne of the spec's example"),
    },
    ...(['credit', 'debit'] as const).map(
      (kind): KitCase<CrmCall> => ({
        id: `operation.${kind}ExternalWallet`,
        group: 'operation',
        title: `${kind} the smallest unit of the test user's wallet${kind === 'credit' ? '' : ' (after a credit of it)'}: a documented 200 with the wallet`,
        ...money,
        run: async (context) => {
          const before = await readWallet(context);
          if (!isWallet(before)) return before;
          const unit = fromUnits(1, before.decimals);
          const operationId = kind === 'credit' ? 'creditExternalWallet' : 'debitExternalWallet';
          if (kind === 'debit') {
            const credited = await context.send(await context.build(transfer('credit', unit)));
            if (!answered(credited) || credited.status !== 200) return failed(`the credit before the debit was not done (${answered(credited) ? credited.status : credited.failure})`);
          }
          const outcome = expectDocumented(context, operationId, await context.send(await context.build(transfer(kind, unit))), (s) => s === 200, `a ${kind} of ${unit} ${currency}`);
          // The credit is taken back (the debit case's own credit already was, by its debit).
          if (kind === 'credit' && outcome.verdict === 'passed') await context.send(await context.build(transfer('debit', unit)));
          return outcome;
        },
      }),
    ),
    keyRefusal('auth.missing-key', 'no key header, on POST /wallets and GET /wallets/getOne: refused with a 4xx', (r) => withoutHeader(r, 'key'), 'a call without key'),
    keyRefusal('auth.wrong-key', 'another key (the signature keyed by it), on both: refused with a 4xx', async (r) => withHeaders(r.body ? await signedWith(r, WRONG_SECRET) : r, { key: WRONG_SECRET }), 'a call with another key'),
    refusal('auth.unsigned', 'the right key, no signature header on POST /wallets: refused with a 4xx', list, (r) => withoutHeader(r, 'signature'), 'an unsigned body', 'authentication'),
    refusal('auth.tampered-body', 'one byte of the signed body changed: refused with a 4xx', list, (r) => withBody(r, tamperedBody(r.body!)), 'a tampered body', 'authentication'),
    refusal('auth.signed-other-bytes', "the signature computed over another request's parameters: refused with a 4xx", list, (r) => signedWith(r, walletsKey, { ...bodyValue(r), external_user_id: [OTHER_USER_ID] }), 'a signature over other parameters than the body', 'authentication'),
    refusal('robust.malformed-json', 'the right key, a body that is not JSON: a 4xx', list, (r) => withBody(r, malformedBody(r.body!)), 'a body that is not JSON', 'robustness'),
    refusal('robust.wrong-content-type', 'the signed JSON body sent as text/plain: a 4xx', list, (r) => withHeaders(r, { 'content-type': 'text/plain' }), 'a body sent as text/plain', 'robustness'),
    refusal('robust.oversize-body', 'a signed body over 1 MiB: a 4xx', list, async (r) => signedWith(withBody(r, oversizeBody(r.body!)), walletsKey), 'a body over 1 MiB', 'robustness'),
    refusal('robust.deep-body', 'a body nested 5000 levels deep: a 4xx', list, (r) => withBody(r, deepBody(r.body!)), 'a body nested 5000 levels deep', 'robustness'),
    {
      id: 'once.order-id-repeat',
      group: 'once-only',
      title: 'the same credit order_id twice: the balance (read through getOne) moves once, the repeat gets 422 order_exists',
      ...money,
      run: async (context) => {
        const before = await readWallet(context);
        if (!isWallet(before)) return before;
        const unit = fromUnits(1, before.decimals);
        const request = await context.build(transfer('credit', unit));
        const first = await context.send(request);
        if (!answered(first) || first.status !== 200) return failed(`the first credit was not done (${answered(first) ? first.status : first.failure})`, answered(first) ? { status: first.status } : {});
        const repeat = expectType(await context.send(request), 422, 'order_exists', 'the repeat of the order_id');
        const after = await readWallet(context);
        // Taken back whatever happened, by as many units as went in.
        if (isWallet(after)) {
          const moved = toUnits(after.amount, before.decimals) - toUnits(before.amount, before.decimals);
          if (moved > 0) await context.send(await context.build(transfer('debit', fromUnits(moved, before.decimals))));
        }
        if (repeat.verdict !== 'passed') return repeat;
        if (!isWallet(after)) return after;
        return balanceMoved(before, after, 1, 'after a credit of one unit and its repeat') ?? passed(422);
      },
    },
    {
      id: 'once.insufficient-funds',
      group: 'once-only',
      title: 'a debit of one unit more than the balance: 409 insufficient_funds, the balance unchanged',
      ...money,
      run: async (context) => {
        const before = await readWallet(context);
        if (!isWallet(before)) return before;
        const beyond = fromUnits(toUnits(before.amount, before.decimals) + 1, before.decimals);
        const outcome = expectType(await context.send(await context.build(transfer('debit', beyond))), 409, 'insufficient_funds', `a debit of ${beyond} ${currency} from a balance of ${before.amount}`);
        if (outcome.verdict !== 'passed') return outcome;
        const after = await readWallet(context);
        if (!isWallet(after)) return after;
        return balanceMoved(before, after, 0, 'after a refused debit') ?? outcome;
      },
    },
    {
      id: 'once.too-many-decimals',
      group: 'once-only',
      title: "a credit with one decimal place more than the wallet's decimals: refused with a 4xx, the balance unchanged",
      ...money,
      run: async (context) => {
        const before = await readWallet(context);
        if (!isWallet(before)) return before;
        const amount = Number((10 ** -(before.decimals + 1)).toFixed(before.decimals + 1));
        const outcome = expectRefused(await context.send(await context.build(transfer('credit', amount))), `a credit of ${amount} to a wallet of ${before.decimals} decimals`, { critical: false });
        const after = await readWallet(context);
        if (outcome.verdict !== 'passed') return outcome;
        if (!isWallet(after)) return after;
        return balanceMoved(before, after, 0, 'after a refused credit') ?? outcome;
      },
    },
  ];
}
