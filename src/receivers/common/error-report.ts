// How a receiver tells the tenant that their own code failed: `onError(error, context)`. The context names the
// receiver, the step and the event or order, never the secret, the signature or the body.

export interface ReceiverErrorContext {
  /** Which receiver: `webhooks`, `payment-url`, `exchange-rates`, `external-wallets`. */
  receiver: string;
  /** What failed, e.g. `handler`, `persist`, `handler-timeout`, `getRate`, `credit`. */
  step: string;
  /** The webhook event slug, when there is one. */
  event?: string;
  /** The de-duplication key or order id, when there is one. */
  key?: string;
}

export type ReceiverErrorReporter = (error: unknown, context: ReceiverErrorContext) => void;

/** The default: one console line with the error's class and message, nothing else. */
export const defaultReporter: ReceiverErrorReporter = (error, context) =>
  console.error(`crm-open-api ${context.receiver}: ${context.step} failed${context.event ? ` for ${context.event}` : ''}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);

/** Calls the reporter, never letting the reporter's own failure escape. */
export function reportSafely(reporter: ReceiverErrorReporter, error: unknown, context: ReceiverErrorContext): void {
  try {
    reporter(error, context);
  } catch {
    // A failing reporter must not turn a handled failure into an unhandled one.
  }
}

/** Where a receiver's handler keeps its reporter, for `toNodeHandler` to tell it what failed before the handler ran. */
const REPORTER = Symbol.for('crm-open-api.receiver-reporter');
type Reporting = { [REPORTER]?: { receiver: string; reporter: ReceiverErrorReporter } };

/** The handler, carrying its receiver's name and reporter (a non-enumerable property). */
export function reportingTo<H extends (request: Request) => Promise<Response>>(receiver: string, reporter: ReceiverErrorReporter, handler: H): H {
  return Object.defineProperty(handler, REPORTER, { value: { receiver, reporter } });
}

/** Reports to the handler's own receiver reporter; false when the handler has none (not one of this package's). */
export function reportToHandler(handler: unknown, error: unknown, step: string): boolean {
  const known = (handler as Reporting | undefined)?.[REPORTER];
  if (!known) return false;
  reportSafely(known.reporter, error, { receiver: known.receiver, step });
  return true;
}
