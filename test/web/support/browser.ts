/**
 * browser.ts — what the browser tests share: Debian's Chromium driven by playwright-core (never
 * a downloaded browser), a real Attest server on 127.0.0.1 (buildApp + listen, SQLite temp
 * store), axe-core injected into pages, screenshots under test-results/web/, and a check that a
 * page shows no untranslated (Latin-script) UI text.
 *
 *   const b = await startBrowser();            // null → skip: /usr/bin/chromium is absent
 *   const page = await (await b.newContext()).newPage();
 *   await assertAccessible(page, 'sign-in');   // no serious or critical axe violations
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.ATTEST_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = 'test-results/web';

/** Flags for a headless Chromium on a machine with no outside network (see node.md). */
export const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** skipReason says why the browser tests cannot run here, or null when they can. */
export function skipReason(): string | null {
  // CI installs Chromium (.ci/run): there a missing browser is a failure, not a skip.
  if (existsSync(CHROMIUM) || process.env.CI === 'true') return null;
  return `browser tests skipped: ${CHROMIUM} is absent (apt-get install -y chromium; .ci/run installs it)`;
}

/**
 * SUITE_TIMEOUT bounds one browser test file: building the app, starting Chromium and the
 * journeys on a machine shared with other work (CI's may be slower). One figure for every file,
 * so a slow machine is answered in one place, not file by file.
 */
export const SUITE_TIMEOUT = 900_000;

/**
 * browserSuite is the options of a browser test file's `describe`: skipped (with the reason)
 * where Chromium is absent, bounded by SUITE_TIMEOUT.
 *
 *   describe('the item page in Chromium', browserSuite(), () => { … });
 */
export function browserSuite(): { skip: string | false; timeout: number } {
  return { skip: skipReason() ?? false, timeout: SUITE_TIMEOUT };
}

export interface TestBrowser {
  readonly browser: Browser;
  /** newContext opens an isolated profile (cookies, storage, service workers) at the given size. */
  newContext(options?: { phone?: boolean; locale?: string }): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * startBrowser launches Chromium. playwright-core gives each launch a fresh, empty
 * user-data-dir of its own (removed on close), and each context is an isolated profile.
 */
export async function startBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    timeout: 30_000,
  });
  return {
    browser,
    newContext: (options = {}) =>
      browser.newContext({
        viewport: options.phone ? { width: 390, height: 844 } : { width: 1280, height: 900 },
        deviceScaleFactor: 1,
        isMobile: options.phone ?? false,
        hasTouch: options.phone ?? false,
        locale: options.locale ?? 'en-GB',
        timezoneId: 'UTC',
        serviceWorkers: 'allow',
      }),
    async close() {
      await browser.close();
    },
  };
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * assertAccessible runs axe-core (WCAG 2.x A/AA rules) on the page and fails on any serious or
 * critical violation, naming the rule and the elements.
 */
export async function assertAccessible(page: Page, name: string): Promise<void> {
  // Evaluated through the DevTools protocol, not a <script> tag: the app's CSP (script-src
  // 'self', no inline scripts) stays in force during the test.
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }).then(r => r.violations)`,
  )) as AxeViolation[];
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map(
      (v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`,
    ),
    [],
    `axe on ${name}: got serious/critical violations, want none`,
  );
}

/**
 * buildWebApp builds the app from web/ into a fresh directory and returns it, so the browser
 * tests always run the current source (never a stale web/dist) and never touch web/dist.
 */
export async function buildWebApp(): Promise<string> {
  const outDir = mkdtempSync(join(process.env.ATTEST_TEST_SCRATCH ?? tmpdir(), 'web-dist-'));
  const { build } = await import('vite');
  await build({
    root: 'web',
    configFile: 'web/vite.config.ts',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

/**
 * assertNoHorizontalOverflow fails when the page is wider than the window (a phone would scroll
 * sideways), naming the widest elements that stick out, in either direction (RTL overflows left).
 */
export async function assertNoHorizontalOverflow(page: Page, name: string): Promise<void> {
  const result = (await page.evaluate(`(() => {
    const w = document.documentElement.clientWidth;
    const culprits = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || (r.right <= w + 1 && r.left >= -1)) continue;
      // Inside a scrolling container (a table that scrolls in its card) sticking out is fine.
      let p = el.parentElement, clipped = false;
      while (p && p !== document.body) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') { clipped = true; break; }
        p = p.parentElement;
      }
      if (!clipped) culprits.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') + ' [' + Math.round(r.left) + '…' + Math.round(r.right) + ']');
    }
    return { scroll: document.documentElement.scrollWidth, width: w, culprits: culprits.slice(0, 5) };
  })()`)) as { scroll: number; width: number; culprits: string[] };
  assert.ok(
    result.scroll <= result.width && result.culprits.length === 0,
    `${name}: page is ${result.scroll} px wide in a ${result.width} px window; sticking out: ${result.culprits.join(', ')}`,
  );
}

/** screenshot saves a full-page PNG as test-results/web/NAME.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  return path;
}

/**
 * untranslatedText returns visible UI text with three or more Latin letters in a row, skipping
 * data marked `translate="no"` (names, ids, markings) and elements in another `lang`. In the
 * Arabic UI it must be empty.
 */
export async function untranslatedText(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest('[translate="no"], script, style, noscript, [hidden]')) continue;
      const lang = el.closest('[lang]');
      if (lang && lang !== document.documentElement && !lang.lang.startsWith('ar')) continue;
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      if (/[A-Za-z]{3,}/.test(n.textContent)) out.push(n.textContent.trim());
    }
    for (const el of document.querySelectorAll('[aria-label], [placeholder], [title]')) {
      if (el.closest('[translate="no"]')) continue;
      for (const a of ['aria-label', 'placeholder', 'title']) {
        const v = el.getAttribute(a);
        if (v && /[A-Za-z]{3,}/.test(v)) out.push(a + '=' + v);
      }
    }
    return out;
  })()`)) as string[];
}

/**
 * captureApi records the body of every /api/ response the page receives, to prove what never
 * reached the browser (a withheld name, another compartment's record).
 */
export function captureApi(page: Page): string[] {
  const bodies: string[] = [];
  page.on('response', (res) => {
    if (!new URL(res.url()).pathname.startsWith('/api/')) return;
    void res
      .text()
      .then((b) => bodies.push(b))
      .catch(() => undefined);
  });
  return bodies;
}

/**
 * checkScreen runs the checks every screen passes, then saves its screenshot as NAME.png: in the
 * Arabic UI, right to left with no untranslated text; in either language, no serious or critical
 * axe violation and no sideways scroll.
 */
export async function checkScreen(page: Page, name: string): Promise<void> {
  if ((await page.evaluate('document.documentElement.lang')) === 'ar') {
    assert.equal(
      await page.evaluate('getComputedStyle(document.body).direction'),
      'rtl',
      `${name}: direction`,
    );
    assert.deepEqual(await untranslatedText(page), [], `untranslated text on ${name}`);
  }
  await assertAccessible(page, name);
  await assertNoHorizontalOverflow(page, name);
  await screenshot(page, name);
}
