// One Prism mock of the bundled REST spec for the whole run; every suite puts its own auth gate in front of it.
import { startPrism } from '../../src/testing/mock/prism';
import { bundledSpecPath } from '../../src/testing/package-root';

export default async function globalSetup(): Promise<void> {
  const prism = await startPrism({ document: bundledSpecPath('crm-rest') });
  process.env.CRM_PRISM_URL = prism.url;
  (globalThis as { __crmPrism?: { close(): Promise<void> } }).__crmPrism = prism;
}
