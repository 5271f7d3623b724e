// Which tier each REST operation belongs to, read from the spec's flags (generated/crm-rest.operations.ts):
// `read` for the idempotent ones (every GET, and the POSTs that only look something up), `money` for those
// that move money (`x-money-movement`), `write` for everything else (each creates or changes something).
import { operations } from '../../../generated/crm-rest.operations';
import type { OperationEntry } from '../../core/validation/types';
import type { Tier } from './types';

/** Every REST operation, in the spec's order. */
export const OPERATIONS: readonly OperationEntry[] = Object.values(operations);

export const tierOf = (entry: Pick<OperationEntry, 'idempotent' | 'moneyMovement'>): Tier => (entry.moneyMovement ? 'money' : entry.idempotent ? 'read' : 'write');

/** The tiers a run makes calls of: reads always, writes when asked, money only with writes. */
export const tiersOf = ({ writes, money }: { writes?: boolean; money?: unknown }): Tier[] => ['read', ...(writes ? (['write'] as const) : []), ...(writes && money ? (['money'] as const) : [])];

/** Why an operation of a tier the run does not make is skipped. */
export const TIER_SKIPPED: Record<Exclude<Tier, 'read'>, string> = {
  write: 'creates or changes data: the write tier (--writes --test-user ID)',
  money: 'moves money: the money tier (--writes --money --account LOGIN --connection ID)',
};
