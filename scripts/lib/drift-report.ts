// The live run's report, as JSON and as a small self-contained HTML page.
import type { DriftReport } from './live-contract';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function driftReportHtml(report: DriftReport): string {
  const rows = report.results
    .map((r) => {
      const detail =
        r.verdict === 'unexpected_status'
          ? `${r.pathGuessRefuted ? 'PATH GUESS REFUTED: ' : ''}answered ${r.status}; documented: ${r.documentedStatuses.join(', ')}`
          : r.verdict === 'request_failed'
            ? r.error ?? ''
            : r.violations.map((v) => `${v.pointer || '(root)'} ${v.message} (value: ${JSON.stringify(v.value) ?? 'undefined'})`).join('<br>');
      return `<tr class="${r.verdict}"><td>${escape(r.operationId)}</td><td>${r.source}</td><td>${r.method} ${escape(r.path)}</td><td>${r.status ?? ''}</td><td>${r.verdict}</td><td>${escape(detail).replace(/&#60;br&#62;/g, '<br>')}</td></tr>`;
    })
    .join('\n');
  const summary = Object.entries(report.summary).map(([k, v]) => `${k}: ${v}`).join(' · ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CRM contract drift: ${escape(report.target)}</title>
<style>body{font:14px system-ui;margin:2rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
.pass td:nth-child(5){color:#080}.schema_violation td:nth-child(5),.unexpected_status td:nth-child(5),.request_failed td:nth-child(5){color:#b00;font-weight:bold}</style></head>
<body><h1>Contract drift: ${escape(report.target)}</h1><p>${escape(report.ranAt)} · ${summary} · skipped: ${report.skipped.length}</p>
<p>source: <b>documented</b> (the vendor's page), <b>inferred</b> (no vendor page: a decision in spec/), <b>confirmed</b> (inferred, confirmed by an integration in use). An inferred path the CRM answers 404 or 405 is a refuted guess: correct it in spec/.</p>
<table><tr><th>operation</th><th>source</th><th>request</th><th>status</th><th>verdict</th><th>detail</th></tr>
${rows}</table></body></html>
`;
}

export function driftReportText(report: DriftReport): string {
  const lines = report.results.map((r) => {
    const what =
      r.verdict === 'pass'
        ? ''
        : r.verdict === 'unexpected_status'
          ? ` answered ${r.status}, documented ${r.documentedStatuses.join('/')}${r.pathGuessRefuted ? ' (path guess refuted: correct it in spec/)' : ''}`
          : r.verdict === 'request_failed'
            ? ` ${r.error}`
            : ` ${r.violations.map((v) => `${v.pointer || '(root)'} ${v.message} (value ${JSON.stringify(v.value)})`).join('; ')}`;
    return `${r.verdict === 'pass' ? 'pass' : 'DRIFT'} ${r.operationId} [${r.source}]${r.status ? ` ${r.status}` : ''}${what}`;
  });
  return [...lines, `${Object.entries(report.summary).map(([k, v]) => `${k} ${v}`).join(', ')}; skipped ${report.skipped.length}`].join('\n');
}
