/**
 * The part of Playwright's `Page` the end-to-end specs use, so that one spec runs in every engine: Playwright's own
 * pages (Chromium, Firefox) have it as they are, and WebKit, which Playwright cannot drive here, gets it from a
 * WebDriver adapter (e2e/webkit-page.ts). Specs take a `TestPage`; a method missing here is one WebKit lacks.
 */
import type { Browser, Page } from '@playwright/test';

export interface ConsoleMessageLike {
  type(): string;
  text(): string;
}

export interface TestPage {
  goto(url: string): Promise<unknown>;
  /** The page's current address. */
  url(): string;
  evaluate<R>(pageFunction: () => R | Promise<R>): Promise<R>;
  evaluate<R, Arg>(pageFunction: (arg: Arg) => R | Promise<R>, arg: Arg): Promise<R>;
  /** Resolves once the function returns a truthy value (polled in the page). */
  waitForFunction<Arg>(pageFunction: (arg: Arg) => unknown, arg?: Arg, options?: { timeout?: number }): Promise<unknown>;
  waitForTimeout(ms: number): Promise<void>;
  /** Runs a function (with its argument) before the page's own scripts, in every document the page loads from then on. */
  addInitScript: Page['addInitScript'];
  /** A real (trusted) click: it counts as a user gesture. */
  click(selector: string): Promise<void>;
  textContent(selector: string): Promise<string | null>;
  getAttribute(selector: string, name: string): Promise<string | null>;
  inputValue(selector: string): Promise<string>;
  isHidden(selector: string): Promise<boolean>;
  on(event: 'console', listener: (message: ConsoleMessageLike) => void): unknown;
  on(event: 'pageerror', listener: (error: Error) => void): unknown;
  close(): Promise<void>;
}

/** What the artifact specs launch (package-smoke-fixture.ts): pages, one after another, and a close. */
export interface TestBrowser {
  newPage(): Promise<TestPage>;
  close(): Promise<void>;
}

// Compile-time proof that Playwright's own objects are TestPages and TestBrowsers (nothing runs).
export type PlaywrightFits = [Page extends TestPage ? true : never, Browser extends TestBrowser ? true : never];
export const playwrightFits: PlaywrightFits = [true, true];

/** An element's text as a reader sees it (whitespace collapsed, trimmed), for `expect.poll`: what `toHaveText` compares. */
export async function textOf(page: TestPage, selector: string): Promise<string> {
  return ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();
}
