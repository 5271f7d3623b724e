// The live run's report as text and as a self-contained HTML page: the verifier's own renderers.
export { reportHtml as driftReportHtml } from '../../src/testing/verify/report-html';
export { reportText as driftReportText } from '../../src/testing/verify/report-text';
