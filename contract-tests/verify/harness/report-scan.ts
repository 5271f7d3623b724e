// Every rendering of a verifier's report, and what in them must never appear: the API key, the signing
// secret, a signature sent, a value of a secret or personal field that went by.
import { reportHtml } from '../../../src/testing/verify/report-html';
import { reportIssue } from '../../../src/testing/verify/report-issue';
import { reportJunit } from '../../../src/testing/verify/report-junit';
import { reportText } from '../../../src/testing/verify/report-text';
import type { VerifyReport } from '../../../src/testing/verify/types';

export function renderings(report: VerifyReport): Record<string, string> {
  return { text: reportText(report), json: JSON.stringify(report, null, 2), html: reportHtml(report), junit: reportJunit(report), issue: reportIssue(report) };
}

/**
 * `what contains a value (n chars)` for each rendering of `report` holding one of `values`, never the value
 * itself. A value that the same rendering of a report without results holds too is the tool's own wording
 * (a form field keyed `personal`, a lead named `crm-open-api verify`), not data that came through.
 */
export function leaksIn(report: VerifyReport, values: Iterable<string>): string[] {
  const rendered = renderings(report);
  const template = renderings({ ...report, results: [] });
  const leaks: string[] = [];
  for (const value of values) {
    for (const [what, text] of Object.entries(rendered)) if (text.includes(value) && !template[what]!.includes(value)) leaks.push(`${what} contains a value of ${value.length} chars: ${value.slice(0, 2)}…`);
  }
  return leaks;
}
