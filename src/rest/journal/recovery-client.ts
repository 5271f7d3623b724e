// What recoverJournal needs to know of a client it is given: a twin of it without journal or autoReconcile
// (recovery's own look-ups and re-sends are neither written down as new intents nor reconciled inside a
// reconciliation), the clock its intents' `sentAt` were read from, and its per-attempt timeout.
import type { CrmClient } from '../types';

export interface RecoveryClient {
  plain(): CrmClient;
  clock: (() => number) | undefined;
  timeoutMs: number;
}

// A non-enumerable, symbol-keyed property of the client, not a WeakMap entry: a Proxy around the client (a
// tenant's wrapper, a test's recorder) forwards it.
const RECOVERY = Symbol('crm-open-api.recovery-client');

export const registerRecoveryClient = (crm: CrmClient, client: RecoveryClient): void => {
  Object.defineProperty(crm, RECOVERY, { value: client });
};

export const recoveryClientOf = (crm: CrmClient): RecoveryClient | undefined => (crm as CrmClient & { [RECOVERY]?: RecoveryClient })[RECOVERY];
