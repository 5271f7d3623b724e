// The tenant's External Wallets service, called by the CRM: `key` on every call, the SHA-1 parameter
// `signature` on every call with a body (the PSP `sign` construction keyed by the API key).
import type { components } from '../generated/external-wallets';
import { getExternalWallet as validateGetOne, listExternalWallets as validateList } from '../generated/external-wallets.validators';
import { inputProblem, json, queryOf, readJson } from './handlers/respond';
import { sameSecret } from './handlers/same-secret';
import { verifySha1ParamsSignature } from './params-signature';

export type ExternalWallet = components['schemas']['ExternalWallet'];
export type ExternalWalletListRequest = components['schemas']['ExternalWalletListRequest'];

export interface ExternalWalletHandlerOptions {
  apiKey: string;
  /** One page of wallets and the total count. */
  listWallets: (request: ExternalWalletListRequest) => Promise<{ data: ExternalWallet[]; count: number }> | { data: ExternalWallet[]; count: number };
  /** The user's wallet in this currency, or undefined (answered 404). */
  getWallet: (query: { external_user_id: string; currency: string }) => Promise<ExternalWallet | undefined> | ExternalWallet | undefined;
}

/** How many decimal places a number is written with (1000.5 → 1, 1e-7 → 7). */
function decimalPlaces(value: number): number {
  const [mantissa = '', exponent = '0'] = String(value).toLowerCase().split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent));
}

/** The first wallet whose amount has more decimal places than its `decimals`, as `path: rule`. */
function inconsistency(wallets: ExternalWallet[], at: (i: number) => string): string | undefined {
  for (const [i, wallet] of wallets.entries()) {
    if (!Number.isInteger(wallet.decimals) || wallet.decimals < 0) return `${at(i)}.decimals must be a non-negative integer`;
    if (typeof wallet.amount !== 'number' || !Number.isFinite(wallet.amount)) return `${at(i)}.amount must be a finite number`;
    if (decimalPlaces(wallet.amount) > wallet.decimals) return `${at(i)}.amount has more than ${wallet.decimals} decimal places`;
  }
  return undefined;
}

const unavailable = () => json(503, { type: 'wallet_unavailable' });

/**
 * A fetch-style wallet service routing `POST …/wallets` and `GET …/wallets/getOne` (any base path): 401 on a
 * missing or wrong `key` or `signature` before your code runs, 400 naming the bad field and rule, then the
 * documented shapes. A wallet whose amount has more decimal places than `decimals` is refused (500
 * `wallet_inconsistent`), never rounded.
 */
export function createExternalWalletHandler({ apiKey, listWallets, getWallet }: ExternalWalletHandlerOptions): (request: Request) => Promise<Response> {
  if (typeof apiKey !== 'string' || apiKey === '') throw new TypeError('createExternalWalletHandler: `apiKey` is required');
  return async (request) => {
    if (!(await sameSecret(request.headers.get('key'), apiKey))) return json(401, { type: 'invalid_api_key' });
    const path = new URL(request.url).pathname.replace(/\/+$/, '');

    if (request.method === 'POST' && path.endsWith('/wallets')) {
      const { value: body } = await readJson(request);
      if (!(await verifySha1ParamsSignature(body, apiKey, request.headers.get('signature')))) {
        return json(401, { type: 'invalid_signature' });
      }
      const problem = inputProblem(validateList, { query: {}, body });
      if (problem) return json(400, { type: 'invalid_request', message: problem });
      let page: { data: ExternalWallet[]; count: number };
      try {
        page = await listWallets(body as ExternalWalletListRequest);
      } catch {
        return unavailable();
      }
      const wrong = inconsistency(page.data, (i) => `data[${i}]`);
      if (wrong) return json(500, { type: 'wallet_inconsistent', message: wrong });
      return json(200, { data: page.data, count: page.count });
    }

    if (request.method === 'GET' && path.endsWith('/wallets/getOne')) {
      const query = queryOf(request);
      const problem = inputProblem(validateGetOne, { query });
      if (problem) return json(400, { type: 'invalid_request', message: problem });
      let wallet: ExternalWallet | undefined;
      try {
        wallet = await getWallet({ external_user_id: query.external_user_id!, currency: query.currency! });
      } catch {
        return unavailable();
      }
      if (!wallet) return json(404, { type: 'wallet_not_found' });
      const wrong = inconsistency([wallet], () => 'wallet');
      if (wrong) return json(500, { type: 'wallet_inconsistent', message: wrong });
      return json(200, wallet);
    }

    return json(404, { type: 'invalid_request', message: `${request.method} ${path} is not a wallet service call` });
  };
}
