// Every guess about the vendor, made visible where people look. In a bundle: an operation whose page was not
// available (`x-inferred`) gets a Redoc badge ("Inferred", or "Confirmed in use" where a running integration
// confirmed it: `x-confirmed-in-use`) and its decision at the top of its description; every other decision is
// appended to the description of the thing it concerns, so the rendered docs and the generated types' JSDoc
// show it. And a list of all of them, grouped by operation, for the docs' decisions page.
import { inlineMarkdownAsText } from './inline-markdown';
import type { Json } from './openapi-document';

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

export interface DecisionEntry {
  api: string;
  /** JSON pointer of the node the decision sits on. */
  pointer: string;
  text: string;
  /** The operation it sits on or inside, when it does. */
  operationId?: string;
  /** For decisions in shared components: the operations that use the component. */
  usedBy: string[];
  /** `inferred` / `confirmed` for an operation whose page was not available. */
  status?: 'inferred' | 'confirmed';
}

function walk(node: Json, pointer: string, visit: (node: Json, pointer: string) => void): void {
  if (node === null || typeof node !== 'object') return;
  visit(node, pointer);
  for (const [key, child] of Object.entries(node)) walk(child, `${pointer}/${escapePointer(key)}`, visit);
}

/** Every operation (paths and webhooks) of a bundle, with its pointer. */
function operationsOf(document: Json): { id: string; pointer: string; node: Json }[] {
  const found = [];
  for (const section of ['paths', 'webhooks']) {
    for (const [key, item] of Object.entries<Json>(document[section] ?? {})) {
      for (const [method, op] of Object.entries<Json>(item)) {
        if (METHODS.has(method) && op?.operationId) found.push({ id: op.operationId as string, pointer: `#/${section}/${escapePointer(key)}/${method}`, node: op });
      }
    }
  }
  return found;
}

/** For each component pointer (`#/components/schemas/Client`), the operations that reach it through $refs. */
function componentUsers(document: Json): Map<string, Set<string>> {
  const users = new Map<string, Set<string>>();
  const refsIn = (node: Json): string[] => {
    const refs: string[] = [];
    walk(node, '', (n) => typeof n.$ref === 'string' && refs.push(n.$ref));
    return refs;
  };
  const resolve = (ref: string): Json => ref.slice(2).split('/').reduce((at: Json, key) => at?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], document);
  for (const op of operationsOf(document)) {
    const seen = new Set<string>();
    const queue = refsIn(op.node);
    while (queue.length > 0) {
      const ref = queue.pop() as string;
      if (seen.has(ref) || !ref.startsWith('#/components/')) continue;
      seen.add(ref);
      const component = ref.split('/').slice(0, 4).join('/');
      if (!users.has(component)) users.set(component, new Set());
      users.get(component)!.add(op.id);
      queue.push(...refsIn(resolve(ref)));
    }
  }
  return users;
}

/** Every `x-decision` of a bundle, with where it is and which operations it concerns. */
export function listDecisions(document: Json, api: string): DecisionEntry[] {
  const operations = operationsOf(document);
  const users = componentUsers(document);
  const entries: DecisionEntry[] = [];
  walk(document, '#', (node, pointer) => {
    if (typeof node['x-decision'] !== 'string') return;
    const op = operations.find((o) => pointer === o.pointer || pointer.startsWith(`${o.pointer}/`));
    const component = pointer.split('/').slice(0, 4).join('/');
    const status = op && pointer === op.pointer && node['x-inferred'] === true ? (node['x-confirmed-in-use'] ? 'confirmed' : 'inferred') : undefined;
    entries.push({
      api,
      pointer,
      text: node['x-decision'] as string,
      ...(op ? { operationId: op.id } : {}),
      usedBy: op ? [op.id] : pointer.startsWith('#/components/') ? [...(users.get(component) ?? [])].sort() : [],
      ...(status ? { status } : {}),
    });
  });
  return entries;
}

const BADGES = {
  inferred: { name: 'Inferred', color: '#b45309' },
  confirmed: { name: 'Confirmed in use', color: '#15803d' },
};

/** Servers (`#/servers/0`, or a path's or an operation's): Redoc shows their descriptions as plain text. */
const SERVER = /\/servers\/\d+$/;

/** Adds the badges and the decision texts to a bundle's descriptions (in place). */
export function surfaceDecisions(document: Json): Json {
  const operations = new Set(operationsOf(document).map((o) => o.node));
  walk(document, '#', (node, pointer) => {
    const text = node['x-decision'];
    if (typeof text !== 'string') return;
    const description = typeof node.description === 'string' ? node.description.trimEnd() : '';
    if (operations.has(node) && node['x-inferred'] === true) {
      const confirmed = typeof node['x-confirmed-in-use'] === 'string';
      node['x-badges'] = [...(node['x-badges'] ?? []), confirmed ? BADGES.confirmed : BADGES.inferred];
      const head = confirmed
        ? `**Confirmed in use.** ${node['x-confirmed-in-use']} The vendor's page itself was not available. Decision: ${text}`
        : `**Inferred:** the vendor's page for this operation was not available; this is a decision. ${text}`;
      node.description = description ? `${head}\n\n${description}` : head;
    } else if (SERVER.test(pointer)) {
      node.description = `${description}${description ? ' ' : ''}Decision (inferred): ${inlineMarkdownAsText(text)}`;
    } else {
      node.description = `${description}${description ? '\n\n' : ''}*Decision (inferred):* ${text}`;
    }
  });
  return document;
}
