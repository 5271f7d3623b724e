// Every fenced ```ts block of README.md, as a reader would paste it into a strict TypeScript project (strict,
// exactOptionalPropertyTypes, noUncheckedIndexedAccess) that installed the package. Each block is its own
// module; what a block uses but does not define, because it is the reader's own (`db`, `req`, `res`) or was
// defined by an earlier block (`crm`, `sandbox`), is declared once in PREAMBLE, a global declaration file that
// a block's own imports and constants shadow. A block may opt out with `<!-- no-compile -->` on the line
// before its fence; none does today (say why next to it if one ever must).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ReadmeBlock {
  /** 1-based line of the opening fence in README.md. */
  line: number;
  /** The `## ` heading the block sits under. */
  section: string;
  code: string;
}

export function readmeTsBlocks(root: string): ReadmeBlock[] {
  const lines = readFileSync(join(root, 'README.md'), 'utf8').split('\n');
  const blocks: ReadmeBlock[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    if (text.startsWith('## ')) section = text.slice(3).trim();
    if (!/^```ts\s*$/.test(text)) {
      // Any other fence is skipped whole, so a ```ts inside it is not taken for a block.
      if (/^```/.test(text)) while (++i < lines.length && !/^```\s*$/.test(lines[i]!));
      continue;
    }
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && !/^```\s*$/.test(lines[i]!)) body.push(lines[i]!);
    if (lines[start - 1]?.trim() === '<!-- no-compile -->') continue;
    blocks.push({ line: start + 1, section, code: body.join('\n') });
  }
  return blocks;
}

/**
 * The reader's own things the samples use (their database, their PSP, the request and response of their web
 * framework), and what an earlier block of the same section defined. Declared, never defined: the samples
 * are type-checked against them, and only the "Test your integration" blocks are run.
 */
export const PREAMBLE = `// README samples: the reader's own things, and what earlier blocks defined.
type Wallet = import('crm-open-api').ExternalWallet;
declare const db: {
  users: { upsert(clientId: string): Promise<void> };
  sessions: { save(userId: string, tokens: import('crm-open-api').StoredTokens): Promise<void> };
  wallets: {
    page(skip: number, limit: number, externalUserIds?: string[]): Promise<{ data: Wallet[]; count: number }>;
    find(externalUserId: string, currency: string): Promise<Wallet | undefined>;
    add(externalUserId: string, currency: string, amount: number, orderId: string): Promise<Wallet | 'wallet_not_found'>;
    take(externalUserId: string, currency: string, amount: number, orderId: string): Promise<Wallet | 'wallet_not_found' | 'insufficient_funds'>;
  };
};
declare const payouts: { approve(requestId: string, options: { signal: AbortSignal }): Promise<void> };
declare const myPsp: { createCheckout(orderNo: string, amount: number, currency: string): Promise<string> };
declare const myRates: { get(from: string, to: string): Promise<number> };
declare const req: { url: string };
declare const res: { redirect(url: string): void };
declare const use: (tokens: import('crm-open-api').OAuthTokenSet) => void;
declare const showQr: (secret: string) => void;
declare const userId: string;
declare const password: string;
declare const otpCode: string;
declare const nextCode: string;
declare const merchant_id: string;
declare const order_no: string;
declare const apiKey: string;
declare const baseUrl: string;
declare const url: string;
declare const secret: string;
declare const login: number;
declare const body: { connection_id: string; currency: string; amount: string; comment: string };
declare const crm: import('crm-open-api').CrmClient;
declare const oauth: import('crm-open-api').OAuthClient;
declare const tokens: import('crm-open-api').OAuthTokenSet;
declare const on: import('crm-open-api').WebhookHandlers;
declare const webhooks: (request: Request) => Promise<Response>;
declare const sandbox: import('crm-open-api/testing').SandboxCrm;
declare const expect: typeof import('expect').expect;
`;
