import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

/**
 * Tests never download a browser: they use a system Chromium, found automatically or named by
 * STUDIO_CHROMIUM (or PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH).
 */
function systemChromium(): string | undefined {
  const named = process.env.STUDIO_CHROMIUM ?? process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH;
  if (named) return named;
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'].find((candidate) =>
    existsSync(candidate),
  );
}

const executablePath = systemChromium();
const runningAsRoot = process.getuid?.() === 0;

export default defineConfig({
  testDir: 'tests/e2e',
  // Playwright empties its output folder at start: keep it apart from the runners' JSON reports.
  outputDir: 'test-results/playwright',
  testMatch: /.*\.spec\.ts$/,
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: 'list',
  use: {
    browserName: 'chromium',
    trace: 'retain-on-failure',
    launchOptions: {
      ...(executablePath ? { executablePath } : {}),
      args: [
        ...(runningAsRoot ? ['--no-sandbox'] : []),
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
