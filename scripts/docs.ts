// npm run docs: static HTML reference for every API into docs/ (build output, git-ignored), with generated
// TypeScript and curl samples on every operation, and an index page. Redoc's script is inlined, so the pages
// load nothing from the network.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadApi } from './lib/api-spec';
import { ROOT, listApis } from './lib/apis';
import { codeSamples } from './lib/code-samples';
import { listDecisions } from './lib/decisions';
import { decisionsPage, type DecisionsPageApi } from './lib/decisions-page';
import { addGuide, guideSections } from './lib/sdk-guide';
import { bin, runQuiet } from './lib/run';

export const DOCS = join(ROOT, 'docs');

// Redoc 3 loads its sidebar logo from the Redocly CDN even with --inlineBundle; the pages must load nothing
// from the network (readers may be offline or behind a proxy), so the logo is drawn inline instead.
const LOGO = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="80" height="16"><text x="0" y="12" font-family="sans-serif" font-size="12">Redocly</text></svg>')}`;
const offline = (html: string) => html.replace(/https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(?:-full)?\.svg/g, LOGO);

export function buildDocs(out = DOCS): { api: string; title: string; file: string; operations: string[] }[] {
  const staging = join(ROOT, '.artifacts', 'docs-src');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  mkdirSync(staging, { recursive: true });
  const pages = [];
  const decisions: DecisionsPageApi[] = [];
  const guide = guideSections();
  for (const { name } of listApis()) {
    const api = loadApi(name);
    const listed = listDecisions(api.bundle, name);
    decisions.push({ api: name, title: api.bundle.info.title as string, file: `${name}.html`, document: api.bundle, decisions: listed });
    // loadApi read its own copy of the bundle, so the guide and the samples are added to it in place.
    const document = addGuide(api.bundle, guide, { href: `decisions.html#${name}`, count: listed.length });
    const server = String(document.servers?.[0]?.url ?? 'https://crm.my-broker.com').replace('{baseUrl}', 'https://crm.my-broker.com');
    for (const op of api.operations) op.operation['x-codeSamples'] = codeSamples(name, op, api.exampleInput(op.id), server);
    const source = join(staging, `${name}.openapi.json`);
    writeFileSync(source, JSON.stringify(document));
    const file = `${name}.html`;
    runQuiet(bin('redocly'), ['build-docs', source, '--output', join(out, file), '--inlineBundle', '--title', document.info.title]);
    writeFileSync(join(out, file), offline(readFileSync(join(out, file), 'utf8')));
    pages.push({ api: name, title: document.info.title as string, file, operations: api.operations.map((op) => op.id) });
  }
  writeFileSync(join(out, 'decisions.html'), decisionsPage(decisions));
  const count = decisions.reduce((n, a) => n + a.decisions.length, 0);
  const links = [
    ...pages.map((p) => `<li><a href="${p.file}">${p.title}</a> <small>(${p.operations.length} operations)</small></li>`),
    `<li><a href="decisions.html">Every decision about the vendor's API</a> <small>(${count} decisions: what was guessed, and where)</small></li>`,
  ].join('\n');
  writeFileSync(
    join(out, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CRM Open API reference</title>
<style>body{font:16px system-ui;margin:3rem;max-width:50rem}</style></head><body>
<h1>CRM Open API reference</h1><p>Generated from <code>spec/</code> by <code>npm run docs</code>.</p><ul>
${links}
</ul></body></html>
`,
  );
  return pages;
}

if (require.main === module) {
  const started = performance.now();
  const pages = buildDocs();
  console.log(`docs for ${pages.length} APIs (${pages.reduce((n, p) => n + p.operations.length, 0)} operations) in ${Math.round(performance.now() - started)} ms: ${join(DOCS, 'index.html')}`);
}
