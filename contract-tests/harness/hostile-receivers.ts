// The four receivers as a hostile peer meets them: each built with tenant callbacks that record every call
// (so a test can tell whether tenant code ran for a request, and how often per delivery or order_id), an
// onError that keeps every report line, and, for the wire, a loopback node:http server per receiver and a raw
// HTTP/1.1 client that sends exactly the bytes it is given (a bad Host, an odd method, a lying length).
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { createExchangeRateHandler } from '../../src/receivers/exchange-rates';
import { createExternalWalletHandler, type ExternalWalletTransfer } from '../../src/receivers/external-wallets';
import type { DedupeStore } from '../../src/receivers/common/dedupe';
import type { ReceiverErrorContext } from '../../src/receivers/common/error-report';
import { toNodeHandler } from '../../src/receivers/node-handler';
import { sha1ParamsSignature } from '../../src/core/signatures/sha1-params';
import { createPaymentUrlHandler } from '../../src/receivers/psp/payment-url-handler';
import { pspSign } from '../../src/receivers/psp/sign';
import { listen, type Listening } from '../../src/testing/http-host';
import { createWebhookHandler, type CrmWebhookEvent } from '../../src/receivers/webhooks';
import { registerSecret } from './output-scan';

export const SECRETS = {
  webhook: 'hostile-webhook-secret-24',
  payToken: 'hostile-crm-pay-token-24',
  walletKey: 'hostile-wallet-api-key-24',
  ratesKey: 'hostile-rates-api-key-24',
} as const;
for (const secret of Object.values(SECRETS)) registerSecret(secret);

export type Fetch = (request: Request) => Promise<Response>;

export interface Receivers {
  webhooks: Fetch;
  payUrl: Fetch;
  rates: Fetch;
  wallets: Fetch;
  /** Every call of tenant code, by callback: the delivery key, order_id, order_no or pair it was called for. */
  calls: { webhook: string[]; getPaymentUrl: string[]; getRate: string[]; listWallets: string[]; getWallet: string[]; credit: string[]; debit: string[] };
  /** Every onError line (the error's text and its context), of the receivers and of toNodeHandler. */
  reports: string[];
}

export interface ReceiverOptions {
  /** Wallet decimals `getWallet` answers (default 2). */
  decimals?: number;
  webhookStore?: DedupeStore | false;
  walletStore?: DedupeStore;
  timeoutMs?: number;
  maxBodyBytes?: number;
}

const report = (reports: string[]) => (error: unknown, context?: ReceiverErrorContext) =>
  void reports.push(`${error instanceof Error ? `${error.name}: ${error.message}` : String(error)} ${JSON.stringify(context ?? {})}`);

/** Fresh receivers whose tenant code always succeeds (so any 5xx is the receiver's own doing). */
export function buildReceivers(options: ReceiverOptions = {}): Receivers {
  const calls: Receivers['calls'] = { webhook: [], getPaymentUrl: [], getRate: [], listWallets: [], getWallet: [], credit: [], debit: [] };
  const reports: string[] = [];
  const onError = report(reports);
  const wallet = (t: { external_user_id: string; currency: string }) => ({ id: 'w-1', external_user_id: t.external_user_id, currency: t.currency, amount: 1, decimals: options.decimals ?? 2 });
  const handle = (event: CrmWebhookEvent) => void calls.webhook.push(`${event.source.event}:${JSON.stringify((event.data as { id?: unknown }).id ?? null)}`);
  const move = (kind: 'credit' | 'debit') => (t: ExternalWalletTransfer) => (calls[kind].push(t.order_id), wallet(t));
  const common = { onError, ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}) };
  return {
    calls,
    reports,
    webhooks: createWebhookHandler({
      secret: SECRETS.webhook,
      ...common,
      ...(options.webhookStore === undefined ? {} : { dedupe: options.webhookStore }),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      on: {
        'crm.webhooks.users.create': handle,
        'crm.webhooks.requests.withdrawal.approve.node.1': handle,
        'crm.webhooks.requests.withdrawal.reject': handle,
        'crm.webhooks.requests.transfer.approve.node.2': handle,
      },
    }),
    payUrl: createPaymentUrlHandler({ crmPayToken: SECRETS.payToken, ...common, getPaymentUrl: (order) => (calls.getPaymentUrl.push(order.order_no), `https://pay.test/${encodeURIComponent(order.order_no)}`) }),
    rates: createExchangeRateHandler({ apiKey: SECRETS.ratesKey, ...common, getRate: ({ from, to }) => (calls.getRate.push(`${from}/${to}`), 1.25) }),
    wallets: createExternalWalletHandler({
      apiKey: SECRETS.walletKey,
      ...common,
      ...(options.walletStore ? { dedupe: options.walletStore } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      listWallets: (request) => (calls.listWallets.push(String(request.skip)), { data: [wallet({ external_user_id: 'u-1', currency: 'USD' })], count: 1 }),
      getWallet: (query) => (calls.getWallet.push(`${query.external_user_id}/${query.currency}`), wallet(query)),
      credit: move('credit'),
      debit: move('debit'),
    }),
  };
}

export const webhookSignature = (raw: string | Uint8Array) => createHmac('sha256', SECRETS.webhook).update(raw).digest('hex');

/** The wallet `signature` of a body as the CRM computes it, or a made-up one when the body cannot be signed. */
export async function walletSignature(body: unknown): Promise<string> {
  try {
    return await sha1ParamsSignature(body as Record<string, unknown>, SECRETS.walletKey);
  } catch {
    return 'F'.repeat(40);
  }
}

/** A PSP body with its `sign`, when one can be computed; else as it was. */
export async function withPspSign(body: unknown): Promise<unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  try {
    return { ...body, sign: await pspSign(body as Record<string, unknown>, SECRETS.payToken) };
  } catch {
    return body;
  }
}

/** Each receiver mounted with toNodeHandler on its own loopback server (its adapter errors go to `reports`). */
export async function mountReceivers(receivers: Receivers): Promise<{ ports: Record<'webhooks' | 'payUrl' | 'rates' | 'wallets', number>; stop(): Promise<void> }> {
  const names = ['webhooks', 'payUrl', 'rates', 'wallets'] as const;
  const servers: Listening[] = [];
  const ports = {} as Record<(typeof names)[number], number>;
  for (const name of names) {
    const server = await listen(createServer(toNodeHandler(receivers[name], { onError: report(receivers.reports) })));
    servers.push(server);
    ports[name] = Number(new URL(server.url).port);
  }
  return { ports, stop: () => Promise.all(servers.map((s) => s.stop())).then(() => undefined) };
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The whole answer as received, for the secret scan. */
  raw: string;
}

/** Undoes chunked transfer coding. */
function dechunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const end = rest.indexOf('\r\n');
    if (end < 0) return out;
    const size = parseInt(rest.slice(0, end), 16);
    if (!size) return out;
    out += rest.slice(end + 2, end + 2 + size);
    rest = rest.slice(end + 2 + size + 2);
  }
}

/**
 * Sends exactly `head` (the request line and headers, without the blank line; `Connection: close` is added)
 * and `body` to 127.0.0.1:`port`, and reads the answer until the server closes. `status` 0: no answer.
 */
export function rawHttp(port: number, head: string, body: Uint8Array | string = '', timeoutMs = 5000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const finish = () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('latin1');
      const split = raw.indexOf('\r\n\r\n');
      const lines = (split < 0 ? raw : raw.slice(0, split)).split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const rest = split < 0 ? '' : raw.slice(split + 4);
      const text = headers['transfer-encoding'] === 'chunked' ? dechunk(rest) : rest;
      resolve({ status, headers, body: Buffer.from(text, 'latin1').toString('utf8'), raw });
    };
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', finish);
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      socket.write(`${head}\r\nConnection: close\r\n\r\n`, 'latin1');
      socket.end(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
    });
  });
}

/**
 * For a suite: the package's four receivers built and mounted before all its tests, stopped after all. Read
 * `receivers` (what each handler saw) and `url(name)` inside the tests, not at the top of the file.
 */
export function useMountedReceivers(options: ReceiverOptions = {}): { readonly receivers: Receivers; url(name: 'webhooks' | 'payUrl' | 'rates' | 'wallets'): string } {
  let receivers: Receivers | undefined;
  let mounted: Awaited<ReturnType<typeof mountReceivers>> | undefined;
  beforeAll(async () => {
    receivers = buildReceivers(options);
    mounted = await mountReceivers(receivers);
  });
  afterAll(() => mounted?.stop());
  return {
    get receivers() {
      if (!receivers) throw new Error('useMountedReceivers: read inside a test');
      return receivers;
    },
    url: (name) => {
      if (!mounted) throw new Error('useMountedReceivers: read inside a test');
      return `http://127.0.0.1:${mounted.ports[name]}`;
    },
  };
}
