// The run as JUnit XML, for a CI's test view: one test case an operation; drift, undocumented-status and
// refuted-guess fail, skipped and unreachable are skipped (with the reason), the rest pass. junitXml, the
// document itself, is also the check kit's (src/testing/receiver-check).
import { resultDetail } from './report-text';
import { FAILING, type VerifyReport } from './types';

const xml = (text: string) =>
  text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** One test case of a JUnit document: passed, failed (with a type, a short message and the detail), or skipped. */
export interface JunitCase {
  classname: string;
  name: string;
  failure?: { type: string; message: string; detail: string };
  skipped?: string;
  /** Seconds, when measured. */
  time?: number;
}

/** A JUnit XML document of one suite (text escaped, control characters dropped). */
export function junitXml(suite: { title: string; name: string; timestamp: string; cases: JunitCase[] }): string {
  const failures = suite.cases.filter((c) => c.failure).length;
  const skipped = suite.cases.filter((c) => !c.failure && c.skipped !== undefined).length;
  const cases = suite.cases.map((c) => {
    const open = `    <testcase classname="${xml(c.classname)}" name="${xml(c.name)}"${c.time === undefined ? '' : ` time="${c.time.toFixed(3)}"`}`;
    if (c.failure) return `${open}>\n      <failure type="${xml(c.failure.type)}" message="${xml(c.failure.message)}">${xml(c.failure.detail)}</failure>\n    </testcase>`;
    if (c.skipped !== undefined) return `${open}>\n      <skipped message="${xml(c.skipped)}"/>\n    </testcase>`;
    return `${open}/>`;
  });
  const counts = `tests="${suite.cases.length}" failures="${failures}" errors="0" skipped="${skipped}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(suite.title)}" ${counts}>`,
    `  <testsuite name="${xml(suite.name)}" ${counts} timestamp="${xml(suite.timestamp)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

export function reportJunit(report: VerifyReport): string {
  return junitXml({
    title: 'crm-open-api verify',
    name: `crm-open-api verify ${report.target} (spec ${report.specVersion})`,
    timestamp: report.ranAt,
    cases: report.results.map((r) => ({
      classname: `crm-rest.${r.tier}`,
      name: `${r.operationId} (${r.method} ${r.path})`,
      ...(FAILING.has(r.verdict) ? { failure: { type: r.verdict, message: `${r.verdict}${r.status === undefined ? '' : ` (${r.status})`}`, detail: resultDetail(r, { withValue: true }) } } : {}),
      ...(r.verdict === 'skipped' || r.verdict === 'unreachable' ? { skipped: `${r.verdict}: ${r.reason ?? ''}` } : {}),
    })),
  });
}
