// The docs' decisions page: every `x-decision` of every API, grouped by API and operation, each linked to the
// operation it concerns on the rendered reference (Redoc's `#/<tag>/<operationid>` anchors). The decision texts
// are Markdown, as everywhere in the spec: rendered here (inline code, bold, links), everything else escaped.
import type { DecisionEntry } from './decisions';
import { escapeHtml as escape, inlineMarkdown } from './inline-markdown';
import type { Json } from './openapi-document';

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

export interface DecisionsPageApi {
  api: string;
  title: string;
  file: string;
  document: Json;
  decisions: DecisionEntry[];
}

/** `page.html#/<tag>/<operationid>` for an operation of a document. */
function anchors(document: Json, file: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const section of ['paths', 'webhooks']) {
    for (const item of Object.values<Json>(document[section] ?? {})) {
      for (const op of Object.values<Json>(item)) {
        if (op?.operationId) found.set(op.operationId, `${file}#/${slug(op.tags?.[0] ?? '')}/${String(op.operationId).toLowerCase()}`);
      }
    }
  }
  return found;
}

export function decisionsPage(apis: DecisionsPageApi[]): string {
  const total = apis.reduce((n, a) => n + a.decisions.length, 0);
  const sections = apis.map(({ api, title, file, document, decisions }) => {
    const links = anchors(document, file);
    const link = (id: string) => `<a href="${links.get(id) ?? file}">${escape(id)}</a>`;
    const groups = new Map<string, DecisionEntry[]>();
    for (const d of decisions) {
      const group = d.operationId ?? (d.pointer.startsWith('#/components/') ? 'Shared components' : 'The whole API');
      groups.set(group, [...(groups.get(group) ?? []), d]);
    }
    const items = [...groups].map(([group, entries]) => {
      const status = entries.find((e) => e.status)?.status;
      const badge = status ? ` <span class="badge ${status}">${status === 'confirmed' ? 'Confirmed in use' : 'Inferred'}</span>` : '';
      const heading = links.has(group) ? `${link(group)}${badge}` : escape(group);
      const rows = entries
        .map((d) => {
          const where = d.operationId ? '' : d.usedBy.length ? ` <small>used by ${d.usedBy.map(link).join(', ')}</small>` : ` <small><a href="${file}">${escape(title)}</a></small>`;
          return `<li class="decision"><code class="pointer">${escape(d.pointer)}</code>${where}<br>${inlineMarkdown(d.text)}</li>`;
        })
        .join('\n');
      return `<h3>${heading}</h3><ul>\n${rows}\n</ul>`;
    });
    return `<h2 id="${api}">${escape(title)} <small>(${decisions.length})</small></h2>\n${items.join('\n')}`;
  });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Every decision about the vendor's API</title>
<style>body{font:15px system-ui;margin:3rem;max-width:60rem}code{font-size:.9em;background:#f3f4f6;padding:0 3px;border-radius:3px}code.pointer{font-size:12px;color:#555;background:none;padding:0}.badge{font-size:12px;color:#fff;padding:1px 6px;border-radius:4px;background:#b45309}.badge.confirmed{background:#15803d}li{margin:.4rem 0}</style></head><body>
<p><a href="index.html">All API references</a></p>
<h1>Every decision about the vendor's API (<span id="decision-count">${total}</span>)</h1>
<p>Where a vendor page was missing, cut off or self-contradictory, the spec holds a decision (<code>x-decision</code>)
next to the thing decided. This page lists all of them; correct one by editing the note (and the thing) in <code>spec/</code>.
"Inferred" operations had no vendor page at all; "Confirmed in use" ones were confirmed by an integration running against a real tenant.</p>
${sections.join('\n')}
</body></html>
`;
}
