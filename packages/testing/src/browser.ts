/**
 * Headless Chromium for end-to-end tests (spec 00-platform "Tests and CI"): drives the system browser through
 * playwright-core, never a downloaded one. Each launch gets a fresh profile in a temporary directory so no
 * cookie or storage leaks between tests; screenshots land in `<repo>/test-results/screenshots/` as artefacts.
 */
import { accessSync, constants } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { isCi, repoRoot } from './shared-data.ts';

export const chromiumPath = '/usr/bin/chromium';
export const screenshotDir = join(repoRoot, 'test-results', 'screenshots');
export const CHROMIUM_MISSING = `SKIP browser tier: ${chromiumPath} not found; install the Debian package chromium`;

// Quiet, deterministic browser: no sandbox (containers), no GPU, no background traffic to Google services.
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  page: Page;
  context: BrowserContext;
  /** Uncaught exceptions thrown by pages, so a test can assert the app ran without script errors. */
  pageErrors: Error[];
  /** Saves a full-page PNG as `<repo>/test-results/screenshots/<name>.png` and returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export function chromiumInstalled(path: string = chromiumPath): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * For suites gated as a whole: undefined when Chromium is installed; otherwise prints a loud skip notice and
 * returns the reason, or throws when `CI=true` (a silently skipped browser suite proves nothing).
 */
export function browserTierSkipReason(
  installed: () => boolean = chromiumInstalled,
  warn: (line: string) => void = console.warn,
): string | undefined {
  if (installed()) return undefined;
  if (isCi()) throw new Error(CHROMIUM_MISSING.replace(/^SKIP /, 'missing '));
  warn(CHROMIUM_MISSING);
  return CHROMIUM_MISSING;
}

/** File name for a screenshot: kebab-case letters, digits, dots and dashes only. */
export function screenshotFileName(name: string): string {
  const safe = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!safe) throw new Error(`screenshot name ${JSON.stringify(name)} has no usable characters`);
  return `${safe}.png`;
}

/**
 * Launches Chromium with a fresh profile. Returns undefined after skipping the test when Chromium is missing
 * outside CI; callers return early: `const browser = await launchBrowser(t); if (!browser) return;`.
 */
export async function launchBrowser(
  t: TestContext,
  options: { viewport?: { width: number; height: number } } = {},
): Promise<TestBrowser | undefined> {
  const skip = browserTierSkipReason();
  if (skip) {
    t.skip(skip);
    return undefined;
  }
  const userDataDir = await mkdtemp(join(tmpdir(), 'chromium-profile-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      args: chromiumArgs,
      headless: true,
      viewport: options.viewport ?? { width: 1280, height: 800 },
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: Error[] = [];
  context.on('weberror', (webError) => pageErrors.push(webError.error()));
  let closed = false;

  const browser: TestBrowser = {
    page,
    context,
    pageErrors,
    async screenshot(name) {
      await mkdir(screenshotDir, { recursive: true });
      const path = join(screenshotDir, screenshotFileName(name));
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await context.close();
      } finally {
        await rm(userDataDir, { recursive: true, force: true });
      }
    },
  };
  // Closed when the test ends, passed or failed: a browser left open keeps the test process alive.
  t.after(() => browser.close());
  return browser;
}
