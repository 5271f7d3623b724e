// The kit's run for the terminal (a table: verdict, case, status, ms, why) and for a CI (JUnit XML, one test
// case a case), through verify's table and JUnit document.
import { textTable } from '../verify/report-text';
import { junitXml } from '../verify/report-junit';
import type { CaseResult, ConformanceReport } from './types';

/** What is worth saying about a result besides its verdict: why, then where the answer breaks the spec. */
export function caseDetail(result: CaseResult, most = Infinity): string {
  const shown = result.problems.slice(0, most);
  if (result.problems.length > most) shown.push(`… and ${result.problems.length - most} more`);
  return [...(result.reason ? [result.reason] : []), ...shown].join('; ');
}

const verdictCell = (r: CaseResult) => (r.severity === 'critical' ? 'FAILED (critical)' : r.verdict === 'failed' ? 'FAILED' : r.verdict);

export function checkReportText(report: ConformanceReport): string {
  const rows = report.results.map((r) => [verdictCell(r), r.id, r.status === undefined ? '' : String(r.status), r.durationMs === undefined ? '' : `${r.durationMs} ms`, r.verdict === 'passed' ? r.title : caseDetail(r, 3)]);
  const critical = report.results.filter((r) => r.severity === 'critical').length;
  return [
    `crm-open-api check ${report.surface}: ${report.target} · the CRM's timeout ${report.timeoutMs} ms`,
    '',
    ...textTable(['verdict', 'case', 'status', 'time', 'detail'], rows),
    '',
    `${report.results.length} cases: passed ${report.summary.passed} · failed ${report.summary.failed} · skipped ${report.summary.skipped}`,
    report.passed
      ? `PASSED: every case that ran passed${report.summary.skipped ? ` (${report.summary.skipped} skipped: see why above)` : ''}.`
      : `FAILED: ${report.summary.failed} case(s) failed${critical ? `, ${critical} critical (a forged or unauthenticated call was accepted)` : ''}${report.summary.passed === 0 && report.summary.failed === 0 ? ' (no case ran)' : ''}.`,
  ].join('\n');
}

export function checkReportJunit(report: ConformanceReport): string {
  return junitXml({
    title: 'crm-open-api check',
    name: `crm-open-api check ${report.surface} ${report.target}`,
    timestamp: report.ranAt,
    cases: report.results.map((r) => ({
      classname: `${report.surface}.${r.group}`,
      name: `${r.id}: ${r.title}`,
      ...(r.durationMs === undefined ? {} : { time: r.durationMs / 1000 }),
      ...(r.verdict === 'failed' ? { failure: { type: r.severity === 'critical' ? 'critical' : 'failed', message: `${r.id}${r.status === undefined ? '' : ` (${r.status})`}`, detail: caseDetail(r) } } : {}),
      ...(r.verdict === 'skipped' ? { skipped: r.reason ?? 'skipped' } : {}),
    })),
  });
}
