export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __crmPrism?: { close(): Promise<void> } }).__crmPrism?.close();
}
