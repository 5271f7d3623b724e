// The check kit's shapes, a leaf: what a run of `checkReceiver` is asked, and the report every renderer reads.
import { CRM_SURFACES, type CrmCallSecrets, type CrmSurface } from '../crm-calls';

/** The four surfaces where the tenant writes the server and the CRM calls it. */
export type KitSurface = CrmSurface;

export const KIT_SURFACES: readonly KitSurface[] = CRM_SURFACES;

/**
 * What a case is about: `operation` (a documented call with the spec's example, its answer validated),
 * `authentication` (a call the CRM would never send, which must be refused), `robustness` (a hostile body:
 * a 4xx, never a 5xx, a hang or a dropped connection), `timing` (the CRM's timeout), `once-only` (repeats).
 */
export type CaseGroup = 'operation' | 'authentication' | 'robustness' | 'timing' | 'once-only';

/**
 * - `passed`: the server answered what the CRM expects;
 * - `failed`: it did not, or did not answer (no case passes on a server that does not answer);
 * - `skipped`: not run (the reason says why: it moves money and `allowWrites`/`testUser` were not given, or
 *   the receiver's configured `sign` mode does not check what the case sends).
 */
export type CaseVerdict = 'passed' | 'failed' | 'skipped';

export interface CaseResult {
  /** Stable, e.g. `auth.unsigned`, `operation.getPaymentUrl`, `once.order-id-repeat`. */
  id: string;
  group: CaseGroup;
  /** What the case sends and expects, in a line. */
  title: string;
  verdict: CaseVerdict;
  /** `critical` for a failure that lets a forged or unauthenticated call through (a 2xx to one). */
  severity?: 'critical';
  /** The status of the (last) answer, when one came. */
  status?: number;
  /** The slowest answer of the case, in ms, when one came. */
  durationMs?: number;
  /** Why it failed or was skipped (never a secret or a body). */
  reason?: string;
  /** Where the answer breaks the spec (crm-calls' judgeAnswer: `path: rule (expected …, came …)`). */
  problems: string[];
}

export interface ConformanceReport {
  surface: KitSurface;
  /** The URL checked, as given (credentials are refused; a known secret or a secret-named query parameter's value is `[redacted]`). */
  target: string;
  ranAt: string;
  /** The CRM's timeout the answers were measured against. */
  timeoutMs: number;
  results: CaseResult[];
  summary: Record<CaseVerdict, number>;
  /** True when every case that ran passed and at least one ran (exit status 0). */
  passed: boolean;
}

/**
 * The secrets a surface is called with, as set in the back office (crm-calls' names): `webhookSecret`
 * (`X-Crm-Signature` is its HMAC-SHA256), `crmPayToken` (a header, and the key of the body's `sign`),
 * `ratesKey` (the `key` header), `walletsKey` (the `key` header, and the key of the `signature`).
 */
export type KitSecrets = CrmCallSecrets;

export interface CheckReceiverOptions extends CrmCallSecrets {
  surface: KitSurface;
  /**
   * The URL the CRM is configured with: the webhook URL, the PSP's APP_URL (the kit calls `{url}/pay/url`),
   * the rate API's URL (`{url}/rate`), the wallet service's `{api_url}` (`{url}/wallets…`).
   */
  url: string;
  /**
   * psp: how the receiver treats the body's `sign` (default `'if-present'`, as createPaymentUrlHandler):
   * `'require'` adds the unsigned-body case, `'ignore'` skips every `sign` case (the token alone authenticates).
   */
  pspSign?: 'require' | 'if-present' | 'ignore';
  /** external-wallets: run the cases that move money (credit, debit, repeats), on `testUser`'s wallet. */
  allowWrites?: boolean;
  /** external-wallets: the `external_user_id` whose wallet the money cases use (named by the tenant). */
  testUser?: string;
  /** external-wallets: the currency of the test user's wallet (default USD). */
  currency?: string;
  /** The CRM's timeout an answer is judged against (default 5000 ms). */
  timeoutMs?: number;
  /**
   * How long the kit waits for an answer before it calls the server silent (default twice `timeoutMs`). When the
   * first call of the run to go unanswered comes before any answer, the later calls are not sent and fail at once.
   */
  giveUpMs?: number;
  /** Tells each result as it is known (progress output). */
  onResult?: (result: CaseResult) => void;
  /** The clock (ms) for `ranAt` (default Date.now). */
  now?: () => number;
}

/** A run that cannot start: bad options (a surface unknown, its secret missing). Exit status 2. */
export class CheckAbortedError extends Error {
  override name = 'CheckAbortedError';
}
