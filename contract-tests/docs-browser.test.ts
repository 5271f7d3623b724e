// The rendered reference, checked the way people meet it: in Debian's Chromium (driven by playwright-core, no
// browser download), served from a loopback server. Every operationId of every bundle must be on its page,
// a code sample must be visible, nothing may log a console error, and nothing may leave loopback.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, SKIP_BROWSER } from './harness/chromium';
import { buildDocs } from '../scripts/docs';
import { serveStatic } from '../scripts/lib/static-server';

const SCREENSHOTS = join(__dirname, '..', '.artifacts', 'screenshots');
const skipBrowser = SKIP_BROWSER;

(skipBrowser ? describe.skip : describe)('rendered docs in Chromium', () => {
  let dir: string;
  let pages: ReturnType<typeof buildDocs>;
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let base: string;
  let browser: Browser;
  const offLoopback: string[] = [];

  beforeAll(async () => {
    if (!CHROMIUM) throw new Error('Chromium is not installed: `apt-get install -y chromium` (or run `bash .ci/run`, which does it)');
    dir = mkdtempSync(join(tmpdir(), 'crm-docs-'));
    pages = buildDocs(dir);
    server = await serveStatic(dir);
    base = server.url;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    expect(offLoopback).toEqual([]);
  });

  async function open(file: string) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())));
    page.on('pageerror', (error) => errors.push(error.message));
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
      offLoopback.push(url.href);
      return route.abort();
    });
    await page.goto(`${base}/${file}`, { waitUntil: 'load' });
    return { page, errors };
  }

  /**
   * The operation links of a Redoc 3 page (`#/<tag>/<operationid>`, lower-cased). Redoc renders the overview
   * lazily and folds long tags behind "show more", so scroll to the end, unfolding as it goes.
   */
  async function operationLinks(page: Awaited<ReturnType<typeof open>>['page']): Promise<Set<string>> {
    await page.waitForSelector('a[href^="#/"]', { timeout: 30_000 });
    const found = new Set<string>();
    for (let unchanged = 0, i = 0; unchanged < 4 && i < 300; i++) {
      const more = page.locator('[data-testid=show-more-operations]');
      for (let n = await more.count(); n > 0; n--) await more.nth(n - 1).click().catch(() => undefined);
      const before = found.size;
      for (const href of await page.$$eval('a[href^="#/"]', (links) => links.map((a) => a.getAttribute('href') ?? ''))) {
        const parts = href.split('/');
        if (parts.length === 3) found.add(parts[2]!);
      }
      unchanged = found.size === before ? unchanged + 1 : 0;
      await page.mouse.move(800, 450);
      await page.mouse.wheel(0, 2000);
      await page.waitForTimeout(50);
    }
    return found;
  }

  it('the index links every API', async () => {
    const { page, errors } = await open('index.html');
    const hrefs = await page.$$eval('a', (links) => links.map((a) => a.getAttribute('href')));
    expect(hrefs).toEqual([...pages.map((p) => p.file), 'decisions.html']);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('the decisions page shows every decision and links into the reference', async () => {
    const { page, errors } = await open('decisions.html');
    const count = Number(await page.locator('#decision-count').innerText());
    expect(await page.locator('li.decision').count()).toBe(count);
    expect(count).toBeGreaterThan(100);
    await page.locator('a[href="crm-rest.html#/leads/createlead"]').first().click();
    await page.getByText("createCrmClient({ baseUrl: 'https://crm.my-broker.com'", { exact: false }).first().waitFor({ state: 'visible', timeout: 15_000 });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it.each(['crm-rest', 'crm-webhooks', 'psp', 'exchange-rates', 'external-wallets', 'client-oauth'])('%s: every operationId is on the page, no console errors', async (api) => {
    const entry = pages.find((p) => p.api === api)!;
    const { page, errors } = await open(entry.file);
    const links = await operationLinks(page);
    const missing = entry.operations.filter((id) => !links.has(id.toLowerCase()));
    expect(missing).toEqual([]);
    process.stdout.write(`docs ${api}: ${entry.operations.length - missing.length}/${entry.operations.length} operations found in the browser\n`);
    if (api === 'crm-rest') {
      // A sampled operation's page shows our generated TypeScript sample first.
      await page.goto(`${base}/${entry.file}#/leads/createlead`);
      await page.reload();
      const sample = page.getByText("createCrmClient({ baseUrl: 'https://crm.my-broker.com'", { exact: false }).first();
      await sample.waitFor({ state: 'visible', timeout: 15_000 });
      expect(await page.getByText("crm.POST('/public/v1/leads'", { exact: false }).first().isVisible()).toBe(true);
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, 'crm-rest.png') });
      // An inferred operation shows its badge next to its title; the approve call shows "Confirmed in use".
      await expect(page.getByText('Inferred', { exact: true }).first().isVisible()).resolves.toBe(true);
      await page.goto(`${base}/${entry.file}#/requests/approvewithdrawalrequest`);
      await page.reload();
      const confirmed = page.getByText('Confirmed in use', { exact: true }).first();
      await confirmed.waitFor({ state: 'visible', timeout: 15_000 });
      await page.screenshot({ path: join(SCREENSHOTS, 'crm-rest-confirmed.png') });
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
