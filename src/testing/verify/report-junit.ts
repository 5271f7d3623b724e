// The run as JUnit XML, for a CI's test view: one test case an operation; drift, undocumented-status and
// refuted-guess fail, skipped and unreachable are skipped (with the reason), the rest pass.
import { resultDetail } from './report-text';
import { FAILING, type VerifyReport } from './types';

const xml = (text: string) =>
  text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

export function reportJunit(report: VerifyReport): string {
  const failures = report.results.filter((r) => FAILING.has(r.verdict)).length;
  const skipped = report.results.filter((r) => r.verdict === 'skipped' || r.verdict === 'unreachable').length;
  const cases = report.results.map((r) => {
    const name = xml(`${r.operationId} (${r.method} ${r.path})`);
    const detail = xml(resultDetail(r, { withValue: true }));
    const open = `    <testcase classname="crm-rest.${r.tier}" name="${name}">`;
    if (FAILING.has(r.verdict)) return `${open}\n      <failure type="${r.verdict}" message="${xml(`${r.verdict}${r.status === undefined ? '' : ` (${r.status})`}`)}">${detail}</failure>\n    </testcase>`;
    if (r.verdict === 'skipped' || r.verdict === 'unreachable') return `${open}\n      <skipped message="${xml(`${r.verdict}: ${r.reason ?? ''}`)}"/>\n    </testcase>`;
    return `    <testcase classname="crm-rest.${r.tier}" name="${name}"/>`;
  });
  const counts = `tests="${report.results.length}" failures="${failures}" errors="0" skipped="${skipped}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="crm-open-api verify" ${counts}>`,
    `  <testsuite name="${xml(`crm-open-api verify ${report.target} (spec ${report.specVersion})`)}" ${counts} timestamp="${xml(report.ranAt)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
