// The run as one self-contained HTML page (no script, no external file): the counts, then every operation
// with its verdict, its request and status, and each violation (path, rule, expected, came).
import { signatureText, summaryText } from './report-text';
import type { OperationResult, Verdict, VerifyReport } from './types';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const COLOUR: Record<Verdict, string> = {
  conforms: '#0a7d28',
  'confirmed-guess': '#0a7d28',
  drift: '#b00020',
  'refuted-guess': '#b00020',
  'undocumented-status': '#b00020',
  unreachable: '#8a5a00',
  skipped: '#666',
};

const LEGEND: [Verdict, string][] = [
  ['conforms', 'a documented status, and the body matches its schema'],
  ['confirmed-guess', 'an operation the spec inferred (no vendor page) that conforms, as far as the status that came shows'],
  ['drift', 'the body breaks the schema of a documented status'],
  ['refuted-guess', 'an inferred operation answered 404/405 or broke its schema, or a guessed field came absent or different: the spec is wrong there'],
  ['undocumented-status', 'a status the operation does not document'],
  ['unreachable', 'no answer that could be checked (connection, timeout, rate limit, credentials refused)'],
  ['skipped', 'not called: the reason says why'],
];

function row(result: OperationResult): string {
  const violations = result.violations.length
    ? `<table class="v"><tr><th>path</th><th>rule</th><th>expected</th><th>came</th></tr>${result.violations
        .map((v) => `<tr><td><code>${escape(v.path)}</code>${v.guess ? ' <span class="g">guess</span>' : ''}</td><td>${escape(v.rule)}</td><td>${escape(v.expected)}</td><td>${escape(v.came)}${v.value === undefined ? '' : `: <code>${escape(JSON.stringify(v.value))}</code>`}</td></tr>`)
        .join('')}</table>`
    : '';
  const note = [result.reason, result.rateLimited ? `waited out ${result.rateLimited} × 429` : undefined].filter(Boolean).join('; ');
  return `<tr><td class="verdict" style="color:${COLOUR[result.verdict]}">${result.verdict}</td><td>${escape(result.operationId)}<br><small>${result.source} · ${result.tier}</small></td><td><code>${escape(`${result.method} ${result.path}`)}</code></td><td>${result.status ?? ''}<br><small>documented: ${result.documentedStatuses.join(', ')}</small></td><td>${violations}${note ? `<p>${escape(note)}</p>` : ''}</td></tr>`;
}

export function reportHtml(report: VerifyReport): string {
  const title = `crm-open-api verify: ${report.target}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
table.v td,table.v th{border-color:#e3e3e3;font-size:13px}.verdict{font-weight:bold;white-space:nowrap}.g{background:#fde7b0;border-radius:3px;padding:0 4px;font-size:12px}
.pass{color:#0a7d28}.fail{color:#b00020}dt{font-weight:bold;float:left;clear:left;width:12rem}dd{margin-left:12rem}</style></head>
<body><h1>${escape(title)}</h1>
<p class="${report.passed ? 'pass' : 'fail'}"><b>${report.passed ? 'Passed' : 'Failed'}</b>: ${escape(summaryText(report))}</p>
<p>Checked against the spec ${escape(report.specVersion)} on ${escape(report.ranAt)} · tiers ${escape(report.tiers.join(', '))} · ${escape(signatureText(report))}${report.signature.detail ? ` (${escape(report.signature.detail)})` : ''}.
Paths are JSONPaths into the answer; what came is told as a type, never as a value (but a short code where a list of values is broken, on a field that is neither secret nor personal).</p>
<dl>${LEGEND.map(([verdict, meaning]) => `<dt style="color:${COLOUR[verdict]}">${verdict}</dt><dd>${escape(meaning)}</dd>`).join('')}</dl>
<table><tr><th>verdict</th><th>operation</th><th>request</th><th>status</th><th>what came</th></tr>
${report.results.map(row).join('\n')}
</table>
</body></html>
`;
}
