import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __crmPrism?: { close(): Promise<void> } }).__crmPrism?.close();
  if (process.env.CRM_TEST_RUN_DIR) rmSync(process.env.CRM_TEST_RUN_DIR, { recursive: true, force: true });
}
