// npm run contract:live: the contract cases against your real CRM, through a validating Prism proxy.
// Reads CRM_BASE_URL and CRM_API_KEY; writes only with CRM_LIVE_WRITES=1 + CRM_LIVE_TEST_USER, money
// movements only with CRM_LIVE_MONEY=1 as well. Without the variables it explains and exits 2, offline.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib/apis';
import { driftReportHtml, driftReportText } from './lib/drift-report';
import { runLiveContract } from './lib/live-contract';

const USAGE = `npm run contract:live checks a real CRM against the spec. Set:
  CRM_BASE_URL        your CRM, e.g. https://crm.my-broker.com
  CRM_API_KEY         an Open API key of that CRM
optional:
  CRM_LIVE_WRITES=1   also run operations that create or change data (needs CRM_LIVE_TEST_USER)
  CRM_LIVE_TEST_USER  the user id every write acts on
  CRM_LIVE_MONEY=1    also run deposits, withdrawals, wallet updates and approvals (needs CRM_LIVE_WRITES=1)
  CRM_LIVE_REPORT_DIR where to write report.json and report.html (default .artifacts/contract-live)`;

async function main(): Promise<number> {
  const env = process.env;
  const missing = ['CRM_BASE_URL', 'CRM_API_KEY'].filter((name) => !env[name]);
  const writes = env.CRM_LIVE_WRITES === '1';
  const money = env.CRM_LIVE_MONEY === '1';
  const problems = [
    ...missing.map((name) => `${name} is not set`),
    ...(writes && !env.CRM_LIVE_TEST_USER ? ['CRM_LIVE_WRITES=1 needs CRM_LIVE_TEST_USER'] : []),
    ...(money && !writes ? ['CRM_LIVE_MONEY=1 needs CRM_LIVE_WRITES=1'] : []),
  ];
  if (problems.length) {
    process.stderr.write(`${problems.join('\n')}\n\n${USAGE}\n`);
    return 2;
  }
  // CRM_SIGNATURE_VERSION=v1 for a CRM on the older scheme (`crm-open-api doctor` tells which).
  const signatureVersion = env.CRM_SIGNATURE_VERSION === 'v1' ? 'v1' : 'v2';
  const report = await runLiveContract({ baseUrl: env.CRM_BASE_URL!, apiKey: env.CRM_API_KEY!, writes, money, testUser: env.CRM_LIVE_TEST_USER, signatureVersion });
  const dir = env.CRM_LIVE_REPORT_DIR ?? join(ROOT, '.artifacts', 'contract-live');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, 'report.html'), driftReportHtml(report));
  process.stdout.write(`${driftReportText(report)}\nreport: ${join(dir, 'report.json')} and report.html\n`);
  return report.summary.pass === report.results.length ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
