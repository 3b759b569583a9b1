import { test as base, type Page } from '@playwright/test';
import type { Health } from '../../src/shared/contract.ts';
import { tokenCookieName } from '../../src/main/server/auth.ts';
import { startStudio } from '../support/studio-server.ts';

export interface StudioFixture {
  baseURL: string;
  dataDir: string;
  /** The API token from the data dir. */
  token: string;
  /** The engine's RTMP ingest port, for tests that publish a feed. */
  rtmpPort: number;
  health: Health;
}

/**
 * Each test gets its own real `studio serve` on a free port, and the page's baseURL points at it.
 * The browser holds the token's cookie, as after opening the URL `studio serve` prints (that path
 * itself is tested in token.spec.ts).
 */
export const test = base.extend<{ studio: StudioFixture }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern; this one has none
  studio: async ({}, use) => {
    const studio = await startStudio();
    try {
      const health = (await (await fetch(`${studio.url}/api/v1/health`, { headers: studio.authHeaders })).json()) as Health;
      await use({ baseURL: studio.url, dataDir: studio.dataDir, token: studio.token, rtmpPort: studio.rtmpPort, health });
    } finally {
      await studio.stop();
    }
  },
  baseURL: async ({ studio }, use) => {
    await use(studio.baseURL);
  },
  context: async ({ context, studio }, use) => {
    const port = Number(new URL(studio.baseURL).port);
    await context.addCookies([{ name: tokenCookieName(port), value: studio.token, url: studio.baseURL, httpOnly: true, sameSite: 'Strict' }]);
    await use(context);
  },
});

export { expect } from '@playwright/test';

/** POST /api/v1/commands/<name> with the token; the result, or a thrown error with the status and the engine's error. */
export async function callCommand<T>(studio: Pick<StudioFixture, 'baseURL' | 'token'>, name: string, args: unknown = {}): Promise<T> {
  const response = await fetch(`${studio.baseURL}/api/v1/commands/${name}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${studio.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
  });
  const body = (await response.json()) as { result?: T; error?: unknown };
  if (!response.ok) throw new Error(`${name}: ${response.status} ${JSON.stringify(body.error)}`);
  return body.result as T;
}

/** Collects what the page logs as an error and what it throws, from now on: a spec ends with `expect(errors).toEqual([])`. */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}
