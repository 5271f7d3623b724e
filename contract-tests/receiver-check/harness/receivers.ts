// The package's own four receivers as a tenant mounts them (createWebhookHandler, createPaymentUrlHandler,
// createExchangeRateHandler, createExternalWalletHandler behind toNodeHandler on a loopback node:http server),
// with tenant code that keeps a wallet in memory, so the check kit's money cases can read what moved.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createExchangeRateHandler } from '../../../src/receivers/exchange-rates';
import { createExternalWalletHandler, type ExternalWallet } from '../../../src/receivers/external-wallets';
import { toNodeHandler } from '../../../src/receivers/node-handler';
import { createPaymentUrlHandler } from '../../../src/receivers/psp/payment-url-handler';
import { createWebhookHandler } from '../../../src/receivers/webhooks';
import type { DedupeStore } from '../../../src/receivers/common/dedupe';
import type { KitSurface } from '../../../src/testing/receiver-check/types';
import { registerSecret } from '../../harness/output-scan';

export const KIT_SECRETS = { webhookSecret: 'kit-webhook-secret-0123', crmPayToken: 'kit-crm-pay-token-0123', ratesKey: 'kit-rates-key-0123', walletsKey: 'kit-wallets-key-0123' } as const;
// No report, line or file of the kit may hold one of them (checked after each test file).
for (const secret of Object.values(KIT_SECRETS)) registerSecret(secret);
export const TEST_USER = 'kit-test-user';

export type Fetch = (request: Request) => Promise<Response>;

/** A wallet kept in integer cents, so what moved is exact. */
export function memoryWallets(startCents = 10_000) {
  const cents = new Map<string, number>([[`${TEST_USER}:USD`, startCents]]);
  const wallet = (user: string, currency: string): ExternalWallet | undefined => {
    const held = cents.get(`${user}:${currency}`);
    return held === undefined ? undefined : { id: `w-${user}-${currency}`, external_user_id: user, currency, amount: held / 100, decimals: 2 };
  };
  return { cents, wallet };
}

/** What a broken variant of the handlers changes (each default is the package's own behaviour). */
export interface HandlerVariant {
  /** createPaymentUrlHandler's `sign` (default 'require', so the kit's unsigned-body case runs). */
  pspSign?: 'require' | 'if-present' | 'ignore';
  /** The webhook receiver's body limit. */
  webhookMaxBodyBytes?: number;
  /** The wallet service's de-duplication store. */
  walletDedupe?: DedupeStore;
  /** The tenant's debit lets the balance go below zero. */
  debitIgnoresBalance?: boolean;
}

/** A store that never remembers: every claim succeeds, so a repeated order_id moves money again. */
export const forgetfulStore: DedupeStore = { claim: async () => 'claimed', complete: async () => undefined, release: async () => undefined };

/** The four handlers with working tenant code; `wallets.cents` shows the test user's balance. */
export function ownHandlers(variant: HandlerVariant = {}) {
  const wallets = memoryWallets();
  const handlers: Record<KitSurface, Fetch> = {
    webhooks: createWebhookHandler({ secret: KIT_SECRETS.webhookSecret, ...(variant.webhookMaxBodyBytes ? { maxBodyBytes: variant.webhookMaxBodyBytes } : {}), on: { 'crm.webhooks.users.create': () => undefined, 'crm.webhooks.requests.withdrawal.reject': () => undefined } }),
    psp: createPaymentUrlHandler({ crmPayToken: KIT_SECRETS.crmPayToken, sign: variant.pspSign ?? 'require', onError: () => undefined, getPaymentUrl: (request) => `https://psp.invalid/pay/${encodeURIComponent(request.order_no)}` }),
    'exchange-rates': createExchangeRateHandler({ apiKey: KIT_SECRETS.ratesKey, getRate: ({ from, to }) => (from === 'USD' && to === 'EUR' ? 0.92 : undefined) }),
    'external-wallets': createExternalWalletHandler({
      apiKey: KIT_SECRETS.walletsKey,
      ...(variant.walletDedupe ? { dedupe: variant.walletDedupe } : {}),
      listWallets: ({ external_user_id }) => {
        const data = (external_user_id ?? []).map((user) => wallets.wallet(user, 'USD')).filter((w): w is ExternalWallet => w !== undefined);
        return { data, count: data.length };
      },
      getWallet: ({ external_user_id, currency }) => wallets.wallet(external_user_id, currency),
      credit: (t) => {
        const key = `${t.external_user_id}:${t.currency}`;
        if (!wallets.cents.has(key)) return 'wallet_not_found';
        wallets.cents.set(key, wallets.cents.get(key)! + Math.round(t.amount * 100));
        return wallets.wallet(t.external_user_id, t.currency)!;
      },
      debit: (t) => {
        const key = `${t.external_user_id}:${t.currency}`;
        const held = wallets.cents.get(key);
        if (held === undefined) return 'wallet_not_found';
        if (held < Math.round(t.amount * 100) && !variant.debitIgnoresBalance) return 'insufficient_funds';
        wallets.cents.set(key, held - Math.round(t.amount * 100));
        return wallets.wallet(t.external_user_id, t.currency)!;
      },
    }),
  };
  return { handlers, wallets };
}

export interface Served {
  url: string;
  stop(): Promise<void>;
}

/** A fetch-style handler behind toNodeHandler on 127.0.0.1, a free port. */
export async function serve(handler: Fetch): Promise<Served> {
  const server: Server = createServer(toNodeHandler(handler, { onError: () => undefined }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
