// Starts what a browser test needs: fixtures, a static server for target/site, and Debian's Chromium.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { makeFixtures, repoRoot } from './fixtures.js';
import { serveStatic } from './static-server.js';

/** The demo site built by `make site`: www/ plus the npm package under frameloom/. */
export const SITE = path.join(repoRoot, 'target/site');

/** Chromium flags for a closed network: no background connections, no sandbox (root), no GPU. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches Debian's Chromium with the flags above. */
export function launchChromium() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * Builds the test world: fixtures, `site` served at `/` (fixtures at `/fixtures/`), a browser;
 * `close()` tears it down.
 * @param {{ site?: string }} [options] the folder to serve; defaults to the built demo site
 * @returns {Promise<{ fixtures: object, url: string, newPage: () => Promise<import('playwright-core').Page>, close: () => Promise<void> }>}
 */
export async function startHarness({ site = SITE } = {}) {
  if (!existsSync(path.join(SITE, 'frameloom/wasm/frameloom_bg.wasm'))) {
    throw new Error(`${SITE} is not built: run 'make site' (or 'make test') first`);
  }
  const fixtures = await makeFixtures();
  const server = await serveStatic({ '/': site, '/fixtures/': fixtures.dir });
  const browser = await launchChromium();
  return {
    fixtures,
    url: server.url,
    async newPage() {
      const page = await browser.newPage();
      page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') console.error(`[browser console] ${message.text()}`);
      });
      await page.goto(server.url);
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
      await fixtures.remove();
    },
  };
}
