// The verifier's shapes, a leaf: the options of a run, and the report every renderer reads.
import type { SignatureVersion } from '../../rest/types';

/**
 * What became of one operation:
 * - `conforms`: a documented status, and the body matches its schema;
 * - `drift`: the body breaks the schema of a documented status;
 * - `undocumented-status`: a status the operation does not document;
 * - `refuted-guess`: an operation the spec inferred answered 404/405 or broke its schema, or a guessed field
 *   of a documented one came absent or different;
 * - `confirmed-guess`: an inferred operation that conforms (as far as the status that came back shows);
 * - `skipped`: not called (the reason says why: a tier not asked for, an input not named);
 * - `unreachable`: no answer that could be checked (no connection, a timeout, rate-limited, credentials refused).
 */
export type Verdict = 'conforms' | 'drift' | 'undocumented-status' | 'refuted-guess' | 'confirmed-guess' | 'skipped' | 'unreachable';

export const VERDICTS: readonly Verdict[] = ['conforms', 'confirmed-guess', 'drift', 'refuted-guess', 'undocumented-status', 'unreachable', 'skipped'];

/** The verdicts that make a run fail (exit status 1). */
export const FAILING: ReadonlySet<Verdict> = new Set(['drift', 'undocumented-status', 'refuted-guess']);

/** Which calls a run may make: `read` changes nothing, `write` creates or changes data for the test user, `money` moves money. */
export type Tier = 'read' | 'write' | 'money';

/** Whether the spec's shape of an operation is the vendor's, a guess, or a guess an integration confirmed in use. */
export type Source = 'documented' | 'inferred' | 'confirmed';

/** One way an answer breaks its schema: where, which rule, and what came instead (a type, never a value). */
export interface Violation {
  /** JSONPath of the field, e.g. `$.records[0].email` (`$` is the whole body). */
  path: string;
  /** The rule broken, in the spec's words, e.g. `is required`, `must be string`. */
  rule: string;
  /** What the spec documents there, e.g. `string`, `present`, `one of: "trader", "ib"`. */
  expected: string;
  /** What came, as a JSON type or presence (`number`, `absent`, `a value outside the list`). */
  came: string;
  /** The field (or the operation) is a guess of the spec (`x-inferred`, or an `x-decision` on the field). */
  guess: boolean;
  /**
   * The value that came, only for a list or constant rule (`enum`, `const`) on a field that is neither secret
   * nor personal, and only a short code (letters, digits, `_.:-`): never in the text for the maintainers.
   */
  value?: string | number | boolean;
}

export interface OperationResult {
  operationId: string;
  method: string;
  /** The path template, e.g. `/public/v1/users/{id}`. */
  path: string;
  source: Source;
  tier: Tier;
  verdict: Verdict;
  /** The status the CRM answered (of the last call, when an operation was called more than once). */
  status?: number;
  documentedStatuses: number[];
  violations: Violation[];
  /** Why it was skipped or unreachable, or what else is worth knowing (a reversal, a 429 waited out). */
  reason?: string;
  /** How many 429 answers the operation got (waited out, or given up on). */
  rateLimited?: number;
}

export interface SignatureChoice {
  version: SignatureVersion;
  /** `given` (by the caller), `detected` (auto, decided), `default` (auto, undecided: V2). */
  how: 'given' | 'detected' | 'default';
  detail?: string;
}

export interface VerifyReport {
  /** Scheme, host and port of the CRM (never a path, a query or credentials). */
  target: string;
  ranAt: string;
  /** The spec's version the answers were checked against. */
  specVersion: string;
  tiers: Tier[];
  signature: SignatureChoice;
  results: OperationResult[];
  summary: Record<Verdict, number>;
  /** True when nothing is drift, undocumented-status or refuted-guess (exit status 0). */
  passed: boolean;
}

/** Where the money tier moves its smallest amounts: an MT4 account and the test user's wallet, named by the tenant. */
export interface MoneyTarget {
  /** The MT4 login deposited into and withdrawn from. */
  login: number;
  /** Its MT4 connection id. */
  connectionId: string;
  /** The account's and wallet's currency (default USD). */
  currency?: string;
}

export interface VerifyOptions {
  baseUrl: string;
  apiKey: string;
  /** Key of the body signature when it is not the API key. */
  signingSecret?: string;
  /** Default `auto`: found out first with the read-only probe `crm-open-api doctor` makes. */
  signatureVersion?: SignatureVersion | 'auto';
  /** A user id of the CRM that reads ask about and every write acts on (required with `writes`). */
  testUser?: string;
  /** Also make the calls that create or change data for the test user (a lead, a client with an `.invalid` e-mail, …). */
  writes?: boolean;
  /** Also move the smallest amounts (needs `writes`), each reversed where the API allows. */
  money?: MoneyTarget;
  /** A pending withdrawal request of the test user to reject (write tier); without it, reject is skipped. */
  rejectRequest?: string;
  /** A pending withdrawal request of the test user to approve (money tier; it cannot be undone). */
  approveRequest?: string;
  /** Asked before anything moves money, with the plan's lines; money runs only on true (or with `yes`). */
  confirm?: (plan: string[]) => boolean | Promise<boolean>;
  /** Money without asking. */
  yes?: boolean;
  /** Calls at once (default 2); a 429 drops it to 1 for the rest of the run. */
  concurrency?: number;
  /** Per call, for the answer's headers and again for its body (default 20 000). */
  timeoutMs?: number;
  /** Largest answer read (default 8 MiB); a larger one is not checked. */
  maxBodyBytes?: number;
  /** Tells each result as it is known (for progress output). */
  onResult?: (result: OperationResult) => void;
  /** Names this run's e-mails, comments and order ids (default: random). */
  runId?: string;
  /** Waits out a 429 (default: a timer); tests pass their own. */
  sleep?: (ms: number) => Promise<void>;
  /** The clock (ms) for `ranAt` and a Retry-After date (default Date.now). */
  now?: () => number;
}

/** A run that cannot start or go on: bad options, credentials refused, money not confirmed. Exit status 2. */
export class VerifyAbortedError extends Error {
  override name = 'VerifyAbortedError';
}
