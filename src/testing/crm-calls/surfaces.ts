// What the spec says about each surface the tenant serves: its operations (method, path), the examples the
// CRM's calls are made of, and the documented answers they are judged by; all from generated/.
import { exampleInputs as webhookExamples } from '../../../generated/crm-webhooks.example-inputs';
import { responseSchemas as webhookAnswers } from '../../../generated/crm-webhooks.response-schemas';
import { exampleInputs as pspExamples } from '../../../generated/psp.example-inputs';
import { operations as pspOperations } from '../../../generated/psp.operations';
import { responseSchemas as pspAnswers } from '../../../generated/psp.response-schemas';
import { exampleInputs as rateExamples } from '../../../generated/exchange-rates.example-inputs';
import { operations as rateOperations } from '../../../generated/exchange-rates.operations';
import { responseSchemas as rateAnswers } from '../../../generated/exchange-rates.response-schemas';
import { exampleInputs as walletExamples } from '../../../generated/external-wallets.example-inputs';
import { operations as walletOperations } from '../../../generated/external-wallets.operations';
import { responseSchemas as walletAnswers } from '../../../generated/external-wallets.response-schemas';
import { isPlainObject } from '../../core/plain-object';
import { responseValidators, type ResponseSchemas, type ResponseValidators } from '../verify/response-validators';
import type { CrmSurface } from './types';

export interface SurfaceOperation {
  id: string;
  method: string;
  /** Appended to the configured base URL ('' for webhooks: the configured URL is the endpoint). */
  path: string;
  example: { query?: Record<string, unknown>; body?: unknown };
}

interface Surface {
  operations: Record<string, SurfaceOperation>;
  answers: ResponseSchemas;
  validators?: ResponseValidators;
}

type Examples = Record<string, { query?: Record<string, unknown>; body?: unknown }>;

function fromTable(table: Record<string, { id: string; method: string; path: string }>, examples: Examples): Record<string, SurfaceOperation> {
  return Object.fromEntries(Object.values(table).map((entry) => [entry.id, { id: entry.id, method: entry.method, path: entry.path, example: examples[entry.id] ?? {} }]));
}

// The PSP bundle also holds `/pay/callback`, which the CRM serves and the tenant calls: not one of the CRM's calls.
const { reportPaymentResult: _served, ...pspCalls } = fromTable(pspOperations, pspExamples);

const surfaces: Record<CrmSurface, Surface> = {
  webhooks: {
    operations: Object.fromEntries(Object.entries(webhookExamples as Examples).map(([id, example]) => [id, { id, method: 'POST', path: '', example }])),
    answers: webhookAnswers as ResponseSchemas,
  },
  psp: { operations: pspCalls, answers: pspAnswers as ResponseSchemas },
  'exchange-rates': { operations: fromTable(rateOperations, rateExamples), answers: rateAnswers as ResponseSchemas },
  'external-wallets': { operations: fromTable(walletOperations, walletExamples), answers: walletAnswers as ResponseSchemas },
};

/** The documented answers of a surface's operations, compiled on first use. */
export function surfaceValidators(surface: CrmSurface): ResponseValidators {
  const entry = surfaces[surface];
  return (entry.validators ??= responseValidators(entry.answers));
}

/** Every operation of a surface. */
export const surfaceOperations = (surface: CrmSurface): SurfaceOperation[] => Object.values(surfaces[surface].operations);

/** The `crm.webhooks.…` slug of a webhook operation's example (an approval's names its node). */
export function exampleEvent(operation: SurfaceOperation): string {
  const body = operation.example.body;
  const source = isPlainObject(body) && isPlainObject(body.source) ? body.source : {};
  return String(source.event);
}

/** The slug without its approval node: the event's name as the spec lists it (`crm.webhooks.requests.kyc.approve`). */
export const eventName = (slug: string) => slug.replace(/\.node\.\d+$/, '');

export interface ResolvedOperation {
  operation: SurfaceOperation;
  /** For webhooks: the slug to send (the one asked for, its node included, or the example's). */
  event?: string;
}

/**
 * An operation of the surface by its id or, for webhooks, by event name: `users.create`,
 * `crm.webhooks.users.create`, `requests.withdrawal.approve.node.3`. Undefined when there is none.
 */
export function resolveOperation(surface: CrmSurface, name: string): ResolvedOperation | undefined {
  const { operations } = surfaces[surface];
  if (Object.hasOwn(operations, name)) {
    const operation = operations[name]!;
    return surface === 'webhooks' ? { operation, event: exampleEvent(operation) } : { operation };
  }
  if (surface !== 'webhooks') return undefined;
  const slug = name.startsWith('crm.webhooks.') ? name : `crm.webhooks.${name}`;
  if (!/^crm\.webhooks(?:\.[A-Za-z0-9_-]+)+$/.test(slug)) return undefined;
  const operation = Object.values(operations).find((op) => eventName(exampleEvent(op)) === eventName(slug));
  if (!operation) return undefined;
  // An approval is sent per node: the name given says which (the example's node when it names none).
  return { operation, event: slug === eventName(slug) ? exampleEvent(operation) : slug };
}

/** Every webhook event name the spec lists (11), e.g. `crm.webhooks.requests.withdrawal.approve`. */
export const webhookEventNames = (): string[] => surfaceOperations('webhooks').map((op) => eventName(exampleEvent(op)));
