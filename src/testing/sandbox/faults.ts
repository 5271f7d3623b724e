// Injected faults: for the next `times` calls of an operation, lose or refuse the answer, before the state
// changes or after it. "After commit" is the case a tenant must reconcile: the money moved, the answer is lost.

export const FAULT_KINDS = ['reset-before-commit', 'stall-before-commit', 'status-before-commit', 'reset-after-commit', 'stall-after-commit', 'status-after-commit'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRule {
  operationId: string;
  fault: FaultKind;
  /** The status of a `status-*` fault (default 503). */
  status?: number;
  /** How many calls it applies to (default 1). */
  times?: number;
}

export interface ArmedFault {
  kind: 'reset' | 'stall' | 'status';
  when: 'before-commit' | 'after-commit';
  status: number;
}

export class FaultTable {
  private rules: (FaultRule & { left: number })[] = [];

  /** Checks a rule (throws a RangeError naming the field) and arms it. */
  add(rule: FaultRule, knownOperation: (id: string) => boolean): void {
    if (typeof rule?.operationId !== 'string' || !knownOperation(rule.operationId)) throw new RangeError('operationId must name an operation of the REST spec');
    if (!FAULT_KINDS.includes(rule.fault)) throw new RangeError(`fault must be one of ${FAULT_KINDS.join(', ')}`);
    const times = rule.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new RangeError('times must be a positive integer');
    const status = rule.status ?? 503;
    if (!Number.isInteger(status) || status < 100 || status > 599) throw new RangeError('status must be an HTTP status');
    this.rules.push({ ...rule, status, times, left: times });
  }

  /** The fault for this call of `operationId`, if one is armed (it is used up). */
  take(operationId: string): ArmedFault | undefined {
    const rule = this.rules.find((r) => r.operationId === operationId && r.left > 0);
    if (!rule) return undefined;
    rule.left -= 1;
    const [kind, ...when] = rule.fault.split('-');
    return { kind: kind as ArmedFault['kind'], when: when.join('-') as ArmedFault['when'], status: rule.status ?? 503 };
  }

  list(): (FaultRule & { left: number })[] {
    return this.rules.filter((r) => r.left > 0);
  }

  clear(): void {
    this.rules = [];
  }
}
