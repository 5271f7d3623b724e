// One Prism mock of the bundled REST spec for the whole run; every suite puts its own auth gate in front of it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPrism } from '../../src/testing/mock/prism';
import { bundledSpecPath } from '../../src/testing/package-root';

export default async function globalSetup(): Promise<void> {
  // What suites of this run share on disk (the built package: built-package.ts); removed in global-teardown.ts.
  process.env.CRM_TEST_RUN_DIR = mkdtempSync(join(tmpdir(), 'crm-test-run-'));
  const prism = await startPrism({ document: bundledSpecPath('crm-rest') });
  process.env.CRM_PRISM_URL = prism.url;
  (globalThis as { __crmPrism?: { close(): Promise<void> } }).__crmPrism = prism;
}
