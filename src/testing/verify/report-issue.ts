// The run as a text to send to the spec's maintainers (the repository's issue tracker): the refuted and
// confirmed guesses, the drifts and the undocumented statuses, each as operation, path, expected and came:
// types and statuses only, never a value, the CRM's address or the test user.
import type { OperationResult, Violation, VerifyReport } from './types';

// A key the CRM sent may hold a backtick or a bar: neither may end a code span or a cell.
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/`/g, "'").replace(/\r?\n/g, ' ');
const named = (r: OperationResult) => `\`${r.operationId}\`${r.source === 'documented' ? '' : ` (${r.source})`}`;
const request = (r: OperationResult) => `\`${r.method} ${r.path}\``;

function violationRows(results: OperationResult[]): string[] {
  const rows = results.flatMap((r) =>
    r.violations.length
      ? r.violations.map((v: Violation) => `| ${named(r)} | ${request(r)} | ${r.status} | \`${cell(v.path)}\`${v.guess ? ' (guess)' : ''} | ${cell(v.expected)} | ${cell(v.came)} |`)
      : [`| ${named(r)} | ${request(r)} | ${r.status ?? ''} | — | a documented status (${r.documentedStatuses.join(', ')}) | ${r.status ?? ''} |`],
  );
  return rows.length ? ['| operation | request | status | path | expected | came |', '|---|---|---|---|---|---|', ...rows] : ['None.'];
}

export function reportIssue(report: VerifyReport): string {
  const by = (verdict: OperationResult['verdict']) => report.results.filter((r) => r.verdict === verdict);
  const { summary } = report;
  const undocumented = by('undocumented-status');
  const confirmed = by('confirmed-guess');
  return [
    `## A tenant's CRM against the crm-open-api spec ${report.specVersion}: ${summary['refuted-guess']} refuted guess(es), ${summary.drift} drift(s), ${summary['undocumented-status']} undocumented status(es)`,
    '',
    `Found by \`crm-open-api verify\` on ${report.ranAt.slice(0, 10)} (tiers: ${report.tiers.join(', ')}; signature ${report.signature.version}). ` +
      `Of ${report.results.length} operations: ${summary.conforms} conform, ${summary['confirmed-guess']} confirm a guess, ${summary['refuted-guess']} refute one, ${summary.drift} drift, ` +
      `${summary['undocumented-status']} answer an undocumented status, ${summary.unreachable} were unreachable, ${summary.skipped} were skipped. ` +
      'Paths are JSONPaths into the answer; only types and statuses are given, never data.',
    '',
    '### Refuted guesses',
    '',
    'Operations (or fields) the spec inferred, answered otherwise: the guess should be corrected in `spec/`.',
    '',
    ...violationRows(by('refuted-guess')),
    '',
    '### Drift',
    '',
    'Answers of documented operations that break the documented schema.',
    '',
    ...violationRows(by('drift')),
    '',
    '### Undocumented statuses',
    '',
    ...(undocumented.length ? ['| operation | request | came | documented |', '|---|---|---|---|', ...undocumented.map((r) => `| ${named(r)} | ${request(r)} | ${r.status} | ${r.documentedStatuses.join(', ')} |`)] : ['None.']),
    '',
    '### Confirmed guesses',
    '',
    'Inferred operations whose answer matched the spec (confirmed as far as the status that came back shows).',
    '',
    ...(confirmed.length ? ['| operation | request | status |', '|---|---|---|', ...confirmed.map((r) => `| ${named(r)} | ${request(r)} | ${r.status} |`)] : ['None.']),
    '',
  ].join('\n');
}
