// The run as the terminal shows it: one line an operation (verdict, operation, request, status, what was
// wrong or why it was not checked), then the counts and whether it passed. textTable is also the check kit's.
import { VERDICTS, type OperationResult, type Violation, type VerifyReport } from './types';

/** One violation in a line: where, the rule, and what came (with the code that came, where one may be told). */
export function violationText(violation: Violation, { withValue }: { withValue: boolean }): string {
  const value = withValue && violation.value !== undefined ? `: ${JSON.stringify(violation.value)}` : '';
  return `${violation.path} ${violation.rule} (came ${violation.came}${value})${violation.guess ? ' [guess]' : ''}`;
}

/** What is worth saying about a result besides its verdict. */
export function resultDetail(result: OperationResult, { withValue, most = Infinity }: { withValue: boolean; most?: number }): string {
  const shown = result.violations.slice(0, most).map((v) => violationText(v, { withValue }));
  if (result.violations.length > most) shown.push(`… and ${result.violations.length - most} more`);
  return [...shown, ...(result.reason ? [result.reason] : []), ...(result.rateLimited ? [`waited out ${result.rateLimited} × 429`] : [])].join('; ');
}

export const summaryText = (report: VerifyReport): string =>
  `${report.results.length} operations: ${VERDICTS.map((verdict) => `${verdict} ${report.summary[verdict]}`).join(' · ')}`;

export const signatureText = ({ signature }: VerifyReport): string => `signature ${signature.version}${signature.how === 'given' ? '' : ` (${signature.how === 'detected' ? 'detected' : 'undecided: the default'})`}`;

/** Rows under a header, each column padded to its widest cell (the last one left as it is): the terminal's table. */
export function textTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

export function reportText(report: VerifyReport): string {
  const rows = report.results.map((r) => [r.verdict, r.operationId, `${r.method} ${r.path}`, r.status === undefined ? '' : String(r.status), resultDetail(r, { withValue: true, most: 3 })]);
  const failing = report.summary.drift + report.summary['undocumented-status'] + report.summary['refuted-guess'];
  return [
    `crm-open-api verify: ${report.target} against the spec ${report.specVersion} · tiers ${report.tiers.join(', ')} · ${signatureText(report)}`,
    '',
    ...textTable(['verdict', 'operation', 'request', 'status', 'detail'], rows),
    '',
    summaryText(report),
    report.passed ? 'PASSED: every answer checked is documented by the spec.' : `FAILED: ${failing} operation(s) answer what the spec does not document (drift, undocumented-status, refuted-guess).`,
  ].join('\n');
}
