// Shapes shared by the generated validators / operation table and the client that reads them.

/** What the validator found wrong: where and what, as ajv says it (instancePath, keyword, params), and the rule. */
export interface ValidationIssue {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  /**
   * The rule broken, as a CrmValidationError words it (`must be <= 5000`, `is required`, `is not a known field`,
   * the spec's `x-rule` for a pattern): ajv's message, but for `required`, `additionalProperties`,
   * `unevaluatedProperties`, `enum`, `pattern` and `not`, which it words for a reader.
   */
  message: string;
}

export interface RequestValidator {
  (input: { path: object; query: object; body?: unknown }): boolean;
  errors?: ValidationIssue[] | null;
}

export interface OperationEntry {
  id: string;
  method: string;
  path: string;
  /** Safe to re-send (spec: `x-idempotent`). */
  idempotent: boolean;
  /** Moves money (spec: `x-money-movement`). */
  moneyMovement: boolean;
  /** The body field that identifies the operation for reconciliation (spec: `x-reconcile-by`). */
  reconcileBy?: string;
  /** How long the CRM answers a repeat of this call as a repeat instead of applying it (spec: `x-repeat-window-ms`). */
  repeatWindowMs?: number;
  /** Path parameters the spec types as numbers (e.g. `login`). */
  numericPath?: string[];
  /** A `skip`/`limit` list: where those go and the largest page the spec allows. */
  page?: { in: 'query' | 'body'; maxLimit: number };
  /** Body fields the spec marks `format: password`, dotted (`register.password`; `[]` for array items): never journaled. */
  passwordFields?: string[];
}
