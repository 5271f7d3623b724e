// npm run contract:live: the contract cases against your real CRM, the same run as `crm-open-api verify`.
// Reads CRM_BASE_URL and CRM_API_KEY; writes only with CRM_LIVE_WRITES=1 + CRM_LIVE_TEST_USER, money
// movements only with CRM_LIVE_MONEY=1 and the account named as well. Without the variables it explains
// and exits 2, offline.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportHtml } from '../src/testing/verify/report-html';
import { reportIssue } from '../src/testing/verify/report-issue';
import { reportJunit } from '../src/testing/verify/report-junit';
import { reportText } from '../src/testing/verify/report-text';
import { VerifyAbortedError } from '../src/testing/verify/types';
import { ROOT } from './lib/apis';
import { runLiveContract } from './lib/live-contract';

const USAGE = `npm run contract:live checks a real CRM against the spec (as npx crm-open-api verify does). Set:
  CRM_BASE_URL          your CRM, e.g. https://crm.my-broker.com
  CRM_API_KEY           an Open API key of that CRM
optional:
  CRM_SIGNING_SECRET    the key of the body signature, when it is not the API key
  CRM_SIGNATURE_VERSION v1, v2 or auto (default auto: found out first)
  CRM_LIVE_WRITES=1     also run operations that create or change data (needs CRM_LIVE_TEST_USER)
  CRM_LIVE_TEST_USER    the user id every write acts on
  CRM_LIVE_MONEY=1      also move the smallest amounts, each undone where the API allows (needs CRM_LIVE_WRITES=1,
                        CRM_LIVE_ACCOUNT and CRM_LIVE_CONNECTION): setting it is your confirmation
  CRM_LIVE_ACCOUNT      the test user's MT4 login, CRM_LIVE_CONNECTION its connection id, CRM_LIVE_CURRENCY (USD)
  CRM_LIVE_REPORT_DIR   where to write report.json, report.html, junit.xml and report-issue.md (default .artifacts/contract-live)`;

async function main(): Promise<number> {
  const env = process.env;
  const missing = ['CRM_BASE_URL', 'CRM_API_KEY'].filter((name) => !env[name]);
  const writes = env.CRM_LIVE_WRITES === '1';
  const money = env.CRM_LIVE_MONEY === '1';
  const signatureVersion = env.CRM_SIGNATURE_VERSION ?? 'auto';
  const problems = [
    ...missing.map((name) => `${name} is not set`),
    ...(writes && !env.CRM_LIVE_TEST_USER ? ['CRM_LIVE_WRITES=1 needs CRM_LIVE_TEST_USER'] : []),
    ...(money && !writes ? ['CRM_LIVE_MONEY=1 needs CRM_LIVE_WRITES=1'] : []),
    ...(money && (!env.CRM_LIVE_ACCOUNT || !env.CRM_LIVE_CONNECTION) ? ['CRM_LIVE_MONEY=1 needs CRM_LIVE_ACCOUNT and CRM_LIVE_CONNECTION'] : []),
    ...(['v1', 'v2', 'auto'].includes(signatureVersion) ? [] : ['CRM_SIGNATURE_VERSION must be v1, v2 or auto']),
  ];
  if (problems.length) {
    process.stderr.write(`${problems.join('\n')}\n\n${USAGE}\n`);
    return 2;
  }
  const report = await runLiveContract({
    baseUrl: env.CRM_BASE_URL!,
    apiKey: env.CRM_API_KEY!,
    ...(env.CRM_SIGNING_SECRET ? { signingSecret: env.CRM_SIGNING_SECRET } : {}),
    signatureVersion: signatureVersion as 'v1' | 'v2' | 'auto',
    writes,
    ...(env.CRM_LIVE_TEST_USER ? { testUser: env.CRM_LIVE_TEST_USER } : {}),
    ...(money ? { money: { login: Number(env.CRM_LIVE_ACCOUNT), connectionId: env.CRM_LIVE_CONNECTION!, ...(env.CRM_LIVE_CURRENCY ? { currency: env.CRM_LIVE_CURRENCY } : {}) } } : {}),
  });
  const dir = env.CRM_LIVE_REPORT_DIR ?? join(ROOT, '.artifacts', 'contract-live');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, 'report.html'), reportHtml(report));
  writeFileSync(join(dir, 'junit.xml'), reportJunit(report));
  writeFileSync(join(dir, 'report-issue.md'), reportIssue(report));
  process.stdout.write(`${reportText(report)}\nreport: ${join(dir, 'report.json')}, report.html, junit.xml and report-issue.md\n`);
  return report.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof VerifyAbortedError ? 2 : 1);
  },
);
