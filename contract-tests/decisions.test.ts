// Every guess about the vendor is visible where people look: badges and descriptions in the bundles (so in the
// rendered docs), JSDoc in the generated types, and one decisions page whose count is the spec's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';
import { listApis } from '../scripts/lib/apis';
import { listDecisions } from '../scripts/lib/decisions';
import { decisionsPage } from '../scripts/lib/decisions-page';
import { loadApi } from './harness/spec';

const ROOT = join(__dirname, '..');
/** `x-decision` keys in the hand-written spec, counted from the YAML itself. */
function decisionsInSpec(): number {
  const files = execFileSync('find', ['spec', '-name', '*.yaml'], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n');
  let count = 0;
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if ('x-decision' in node) count += 1;
    for (const child of Object.values(node)) walk(child);
  };
  for (const file of files) walk(parse(readFileSync(join(ROOT, file), 'utf8')));
  return count;
}

const apis = listApis().map(({ name }) => {
  const api = loadApi(name);
  return { api: name, title: api.bundle.info.title as string, file: `${name}.html`, document: api.bundle, decisions: listDecisions(api.bundle, name), loaded: api };
});
const all = apis.flatMap((a) => a.decisions);

it('the decisions page lists every x-decision of spec/, grouped by API and operation', () => {
  const inSpec = decisionsInSpec();
  const html = decisionsPage(apis);
  expect(all).toHaveLength(inSpec);
  expect(html.match(/<li class="decision">/g)).toHaveLength(inSpec);
  expect(html).toContain(`<span id="decision-count">${inSpec}</span>`);
  process.stdout.write(`decisions: ${inSpec} in spec/, ${all.filter((d) => d.status === 'inferred').length} inferred operations, ${all.filter((d) => d.status === 'confirmed').length} confirmed in use\n`);
});

it('every link of the page points at an operation of that page, by its tag and id', () => {
  const html = decisionsPage(apis);
  let links = 0;
  for (const [, file, tag, id] of html.matchAll(/href="([a-z-]+\.html)#\/([a-z0-9-]+)\/([a-z0-9]+)"/g)) {
    const op = apis.find((a) => a.file === file)!.loaded.operations.find((o) => o.id.toLowerCase() === id);
    expect({ id, found: Boolean(op), tag: op && String(op.operation.tags?.[0] ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '-') }).toEqual({ id, found: true, tag });
    links += 1;
  }
  expect(links).toBeGreaterThan(100);
});

it('every operation whose vendor page was missing carries the Inferred badge and its decision first; approve says Confirmed in use', () => {
  const inferred = all.filter((d) => d.status);
  expect(inferred.filter((d) => d.api === 'crm-rest')).toHaveLength(19);
  for (const d of inferred) {
    const op = apis.find((a) => a.api === d.api)!.loaded.operationById(d.operationId!).operation;
    const badge = d.status === 'confirmed' ? 'Confirmed in use' : 'Inferred';
    expect({ id: d.operationId, badges: op['x-badges'].map((b: { name: string }) => b.name), starts: op.description.startsWith(`**${badge}`) }).toEqual({ id: d.operationId, badges: [badge], starts: true });
    expect(op.description).toContain(d.text);
  }
  expect(inferred.filter((d) => d.status === 'confirmed').map((d) => d.operationId)).toEqual(['approveWithdrawalRequest']);
});

it('every other decision sits in the description of the thing it concerns', () => {
  for (const d of all.filter((entry) => !entry.status)) {
    const { document } = apis.find((a) => a.api === d.api)!;
    const node = d.pointer.slice(2).split('/').reduce((at: Record<string, unknown>, key) => at[key.replace(/~1/g, '/').replace(/~0/g, '~')] as Record<string, unknown>, document);
    // A server's description is shown as plain text (Redoc's Servers box), so its decision carries no Markdown.
    const shown = /\/servers\/\d+$/.test(d.pointer) ? `Decision (inferred): ${d.text.replace(/`/g, '')}` : `*Decision (inferred):* ${d.text}`;
    expect({ at: d.pointer, shown: String(node.description).includes(shown) }).toEqual({ at: d.pointer, shown: true });
  }
});

it("the generated types' JSDoc say what is inferred and why", () => {
  const types = readFileSync(join(ROOT, 'generated', 'crm-rest.ts'), 'utf8');
  expect(types).toContain("@description **Inferred:** the vendor's page for this operation was not available; this is a decision. No copy of this page was available. Path `POST /public/v1/leads`");
  expect(types).toMatch(/Last update time\.\s+\*\s+\*\s+\*Decision \(inferred\):\* The stored copy stops at `records\[\]\.up…`/);
});
