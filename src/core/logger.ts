// The optional `logger` option: request/response summaries, never a secret (headers are redacted and no body
// is logged). `console` fits (an object per event); `lineLogger()` writes one line per event; so do pino and winston.

export interface CrmLogDetails {
  operationId?: string;
  method: string;
  /** Path template, e.g. `/public/v1/users/{id}`; never the query (it may carry personal data). */
  path: string;
  attempt: number;
  headers?: Record<string, string>;
  status?: number;
  durationMs?: number;
  delayMs?: number;
  reason?: string;
}

export interface CrmLogger {
  debug?(message: string, details: CrmLogDetails): void;
  info?(message: string, details: CrmLogDetails): void;
  warn?(message: string, details: CrmLogDetails): void;
  error?(message: string, details: CrmLogDetails): void;
}

/** What a value looks like in a log line: bare when it is a plain word or number, else JSON (one line, quoted). */
const logValue = (value: unknown): string => (typeof value === 'number' || (typeof value === 'string' && /^[\w./{}:@+-]+$/.test(value)) ? String(value) : JSON.stringify(value) ?? String(value));

/**
 * One line for one event: `crm response operationId=listUsers method=GET path=/public/v1/users attempt=1 status=200
 * durationMs=12` (details as `name=value`, objects as JSON), where `console` would print a 6-10-line object.
 */
export function formatLogLine(message: string, details: object = {}): string {
  return [message.replace(/[\r\n]+/g, ' '), ...Object.entries(details).map(([name, value]) => `${name}=${logValue(value)}`)].join(' ');
}

/** A logger writing one `formatLogLine` per event (default `console.log`): `createCrmClient({ logger: lineLogger() })`. */
export function lineLogger(write: (line: string) => void = (line) => console.log(line)): Required<CrmLogger> {
  const at = (level: string) => (message: string, details: CrmLogDetails) => write(`${level} ${formatLogLine(message, details)}`);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
