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
