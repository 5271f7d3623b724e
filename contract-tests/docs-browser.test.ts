// The rendered reference, checked the way people meet it: in Debian's Chromium (driven by playwright-core, no
// browser download), served from a loopback server. Every operationId of every bundle must be on its page,
// a code sample must be visible, nothing may log a console error, and nothing may leave loopback. And the
// pages explain the SDK, not only the HTTP: every page opens with the SDK guide (signing with its test
// vectors, errors and money safety, receiving the CRM's calls) and links the decisions page; a call that
// moves money shows how to settle a lost answer; no tooling note reaches a reader.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, SKIP_BROWSER } from './harness/chromium';
import { buildDocs } from '../scripts/docs';
import { listApis } from '../scripts/lib/apis';
import { loadApi } from '../scripts/lib/api-spec';
import { codeSamples } from '../scripts/lib/code-samples';
import { guideSections } from '../scripts/lib/sdk-guide';
import { serveStatic } from '../scripts/lib/static-server';
import * as sdk from '../src';
import * as sdkRedis from '../src/redis';
import { sha1ParamsSignature } from '../src/core/signatures/sha1-params';

const SCREENSHOTS = join(__dirname, '..', '.artifacts', 'screenshots');
const skipBrowser = SKIP_BROWSER;

const GUIDE = guideSections();
/** What the guide must explain, each by the name the package exports. */
const ERROR_CLASSES = ['CrmError', 'CrmValidationError', 'CrmConnectionError', 'CrmTimeoutError', 'CrmAmbiguousOutcomeError', 'CrmNotAppliedError', 'CrmApiError'];
/** Tools this project uses: a note about one of them is about our tooling, not the vendor's API. */
const TOOLING = /swagger-parser|redoc|redocly|prism|openapi-typescript|openapi-fetch|spectral|hey-api|\bajv\b|tooling/i;
const LEAD = { email: 'lee.prospect@mail.test', name: 'Lee Prospect' };

/** Every TypeScript sample of every operation of every API, as the docs build makes them. */
function allTypeScriptSamples(): { api: string; op: ReturnType<typeof loadApi>['operations'][number]; source: string }[] {
  return listApis().flatMap(({ name }) => {
    const api = loadApi(name);
    return api.operations.map((op) => ({ api: name, op, source: codeSamples(name, op, api.exampleInput(op.id), 'https://crm.my-broker.com').find((s) => s.label.includes('crm-open-api'))!.source }));
  });
}

describe('what the docs say about the SDK is what the SDK is', () => {
  const exported = new Set([...Object.keys(sdk), ...Object.keys(sdkRedis)]);

  it('every name a sample or the guide imports from crm-open-api, and every error class or helper it names, is exported', () => {
    const texts = [...GUIDE.map((g) => g.markdown), ...allTypeScriptSamples().map((s) => s.source)];
    const named = new Set<string>();
    for (const text of texts) {
      for (const [, list] of text.matchAll(/import \{([^}]+)\} from 'crm-open-api(?:\/redis)?'/g)) for (const name of list!.split(/[\s,]+/).filter(Boolean)) named.add(name);
      // `CrmApiError`, `reconcile(crm, error)`, `toNodeHandler`: a backticked name of an error class or of a helper.
      for (const [, name] of text.matchAll(/`([A-Z]\w*Error|(?:create|verify|sign|psp|detect|memory|redis|webhook|to)[A-Z]\w*|reconcile|unwrap|paginate)(?:\([^`]*\))?`/g)) named.add(name!);
    }
    expect([...named].filter((name) => !exported.has(name))).toEqual([]);
    for (const name of [...ERROR_CLASSES, 'reconcile', 'toNodeHandler', 'createWebhookHandler']) expect(named).toContain(name);
  });

  it("the guide's test vectors are what the SDK computes", async () => {
    const signing = GUIDE.find((g) => /signing/i.test(g.title))!.markdown;
    const vectors = [
      (await sdk.signPayload('Hello, World!', "It's a Secret to Everybody")).slice('sha256='.length),
      await sdk.signPayload(JSON.stringify(LEAD), 'demo-api-key'),
      await sha1ParamsSignature(LEAD, 'demo-api-key'),
      await sdk.pspSign(LEAD, 'demo-api-key'),
    ];
    for (const vector of vectors) expect(signing).toContain(`\`${vector}\``);
    expect(signing).toContain(`\`${JSON.stringify(LEAD)}\``);
  });

  it('the TypeScript sample of every call that moves money or creates something settles a lost answer instead of throwing', () => {
    // The spec's own marks, read here rather than through the docs build's predicate.
    const rest = allTypeScriptSamples().filter((s) => s.api === 'crm-rest' && (s.op.operation['x-money-movement'] === true || s.op.operation['x-idempotent'] === false));
    expect(rest.length).toBeGreaterThanOrEqual(13);
    for (const { op, source } of rest) {
      const reconcilable = typeof op.operation['x-reconcile-by'] === 'string';
      expect({ id: op.id, catches: /catch \(e\) \{\s+\/\/[^\n]*\n\s+if \(!\(e instanceof CrmAmbiguousOutcomeError\)\) throw e;/.test(source), reconciles: source.includes('await reconcile(crm, e)'), bareThrow: source.includes('throw new Error(') }).toEqual({
        id: op.id,
        catches: true,
        reconciles: reconcilable,
        bareThrow: false,
      });
    }
    expect(rest.filter((s) => s.op.operation['x-money-movement'] === true).map((s) => s.op.id).sort()).toEqual(['approveWithdrawalRequest', 'depositToMt4Account', 'updateWalletBalance', 'withdrawFromMt4Account']);
  });
});

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

  /**
   * The text of the guide's sections and their subsections, each opened from the sidebar (Redoc renders lazily;
   * opening a section unfolds its subsections' entries).
   */
  async function textOfGuide(page: Awaited<ReturnType<typeof open>>['page']): Promise<{ text: string; opened: number }> {
    let text = '';
    let opened = 0;
    const read = async (name: string) => {
      const entry = page.locator('[data-component-name="Menu/MenuItem"]').getByText(name, { exact: true }).first();
      if ((await entry.count()) === 0) return;
      await entry.click();
      await page.locator('h1, h2, h3').filter({ hasText: name }).first().waitFor({ state: 'visible', timeout: 15_000 });
      text += await page.locator('body').innerText();
      opened += 1;
    };
    for (const { title } of GUIDE) {
      await read(title);
      const slug = `#/${title.toLowerCase().replace(/ /g, '-')}/`;
      const subsections = await page.$$eval('[data-component-name="Menu/MenuItem"] > a', (links, prefix) => links.filter((a) => a.getAttribute('href')?.startsWith(prefix)).map((a) => a.textContent ?? ''), slug);
      for (const name of subsections) await read(name);
    }
    return { text, opened };
  }

  it('the index links every API', async () => {
    const { page, errors } = await open('index.html');
    const hrefs = await page.$$eval('a', (links) => links.map((a) => a.getAttribute('href')));
    expect(hrefs).toEqual([...pages.map((p) => p.file), 'decisions.html']);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('the decisions page shows every decision, its Markdown rendered, none about tooling, and links into the reference', async () => {
    const { page, errors } = await open('decisions.html');
    const count = Number(await page.locator('#decision-count').innerText());
    expect(await page.locator('li.decision').count()).toBe(count);
    expect(count).toBeGreaterThan(100);
    // Inline code is code, not backticks; and what a reader meets first (or anywhere) is about the vendor.
    const texts = await page.locator('li.decision').allInnerTexts();
    const rendered = {
      withRawBackticks: texts.filter((text) => text.includes('`')).length,
      inlineCode: (await page.locator('li.decision code:not(.pointer)').count()) > 50,
      aboutTooling: texts.filter((text) => TOOLING.test(text)),
      sections: await page.$$eval('h2[id]', (headings) => headings.map((h) => h.id)),
    };
    expect(rendered).toEqual({ withRawBackticks: 0, inlineCode: true, aboutTooling: [], sections: pages.map((p) => p.api) });
    await page.locator('a[href="crm-rest.html#/leads/createlead"]').first().click();
    await page.getByText("createCrmClient({ baseUrl: 'https://crm.my-broker.com'", { exact: false }).first().waitFor({ state: 'visible', timeout: 15_000 });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('crm-rest: searching "signature" finds the signing section first; the guide names every error class, reconcile, autoReconcile and toNodeHandler, with the test vectors', async () => {
    const { page, errors } = await open('crm-rest.html');
    await page.waitForSelector('a[href^="#/"]', { timeout: 30_000 });
    // Once its index is loaded (the trigger says "Loading..." until then), the whole query at once.
    await page.locator('[data-testid=search-trigger]', { hasText: 'Search' }).click();
    await page.locator('input[placeholder="Search docs..."]').fill('signature');
    const first = page.locator('a[data-component-name="Search/SearchItem"]').first();
    await first.waitFor({ state: 'visible', timeout: 15_000 });
    const firstResult = { href: await first.getAttribute('href'), text: (await first.innerText()).replace(/\s+/g, ' ').slice(0, 80) };
    await page.keyboard.press('Escape');
    const { text, opened } = await textOfGuide(page);
    const explained = [...ERROR_CLASSES, 'reconcile(crm, e)', 'autoReconcile', 'toNodeHandler', "acknowledge: 'after-handling'", 'dedupeTtlMs', 'x-money-movement'];
    const vectors = ['757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17', await sdk.signPayload(JSON.stringify(LEAD), 'demo-api-key'), await sha1ParamsSignature(LEAD, 'demo-api-key')];
    expect({
      searchFindsSigningFirst: /^#\/authentication-and-signing(\/|$)/.test(firstResult.href ?? '') || firstResult,
      guideSectionsAndSubsections: opened > GUIDE.length * 2,
      missing: [...explained, ...vectors].filter((name) => !text.includes(name)),
    }).toEqual({ searchFindsSigningFirst: true, guideSectionsAndSubsections: true, missing: [] });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it.each(['crm-rest', 'crm-webhooks', 'psp', 'exchange-rates', 'external-wallets', 'client-oauth'])('%s: the SDK guide and the decisions link open the page, every operationId is on it, no console errors', async (api) => {
    const entry = pages.find((p) => p.api === api)!;
    const { page, errors } = await open(entry.file);
    await page.waitForSelector('a[href^="#/"]', { timeout: 30_000 });
    // Redoc shows a server's description as plain text: no Markdown marks, no note about our tooling.
    const servers = await page.locator('[data-testid=panel-servers]').first().innerText();
    const text = await page.locator('body').innerText();
    const opening = {
      guideInSidebar: await Promise.all(GUIDE.map(async ({ title }) => (await page.getByText(title, { exact: true }).first().isVisible()) && title)),
      decisionsLinks: await page.locator(`a[href="decisions.html#${api}"]`).count(),
      serversShowMarkdown: /[`*]/.test(servers),
      serversAboutTooling: TOOLING.test(servers),
      // The webhooks page agrees with createWebhookHandler: acknowledged once handled (or durably stored).
      ...(api === 'crm-webhooks' ? { acknowledgesFirst: /acknowledge first|in the background/i.test(text), acknowledgesAfterHandling: text.includes("acknowledge: 'after-handling'") && text.includes('answers 204 once your handler finished') } : {}),
    };
    expect(opening).toEqual({
      guideInSidebar: GUIDE.map(({ title }) => title),
      decisionsLinks: 1,
      serversShowMarkdown: false,
      serversAboutTooling: false,
      ...(api === 'crm-webhooks' ? { acknowledgesFirst: false, acknowledgesAfterHandling: true } : {}),
    });
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
      // A deposit's sample settles a lost answer with reconcile rather than ending in a bare throw.
      await page.goto(`${base}/${entry.file}#/mt4/deposittomt4account`);
      await page.reload();
      const deposit = page.getByText("crm.POST('/public/v1/mt4/accounts/{login}/deposit'", { exact: false }).first();
      await deposit.waitFor({ state: 'visible', timeout: 15_000 });
      const money = await deposit.evaluate((node) => (node.closest('pre') ?? node.parentElement!).textContent ?? '');
      expect({ catches: money.includes('if (!(e instanceof CrmAmbiguousOutcomeError)) throw e;'), reconciles: money.includes('await reconcile(crm, e)'), bareThrow: money.includes('throw new Error(') }).toEqual({ catches: true, reconciles: true, bareThrow: false });
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
