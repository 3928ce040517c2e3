import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer } from '../../src/server/http.js';
import type { Services } from '../../src/services/index.js';
import { browserSkipReason, launchChromium } from '../helpers/browser.js';
import { MOMENTUM, tempServices } from '../helpers/services.js';

const TOKEN = 'dashboard-test-token-7f3a';
const SHOTS = path.resolve(import.meta.dirname, '..', '..', 'test-output', 'dashboard');
const HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
const skip = browserSkipReason();
if (skip) console.log(`dashboard browser tests ${skip}`);

describe.skipIf(skip !== null)('the web dashboard in headless Chromium', () => {
  let services: Services;
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  let browser: Browser;
  let base: string;
  /** Console errors and uncaught page errors of every page: any one fails the test. */
  const errors: string[] = [];

  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()} (${page.url()})`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message} (${page.url()})`));
    return page;
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    ({ services } = tempServices());
    server = await startHttpServer(services, { host: '127.0.0.1', port: 0, token: TOKEN });
    base = server.url.replace(/\/mcp$/, '');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await services?.close();
  });

  it('logs in through the form, follows a training started over MCP live, and shows the model card with charts', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = watch(await context.newPage());

    // Every page needs a login; a wrong token is refused with the form again.
    await page.goto(`${base}/operations`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#token', 'not-the-token');
    await page.click('button[type=submit]');
    expect(await page.textContent('[role=alert]')).toContain('Wrong token');
    // The refusal is a 401, which Chromium logs as a failed resource: the one error expected here.
    expect(errors).toEqual([expect.stringMatching(/status of 401/)]);
    errors.length = 0;
    await page.fill('#token', TOKEN);
    await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
    expect(await page.textContent('h1')).toBe('Models');
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'trainyard_session', httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie!.value).not.toContain(TOKEN);
    await shot(page, 'models-empty');

    await page.goto(`${base}/operations`);
    await page.waitForSelector('[data-live-state][data-state=live]');
    // Record every progress value the page shows for any row (the events feed writes them).
    // Record every status and progress value the page shows (the events feed writes them). Page
    // functions are strings: they run in the browser, and the test's types have no DOM.
    await page.evaluate(`(() => {
      window.__seen = [];
      const record = () => {
        for (const row of document.querySelectorAll('tr[data-op]')) {
          const status = row.querySelector('[data-field=status]').textContent;
          window.__seen.push({ id: row.dataset.op, status, pct: row.querySelector('progress').value });
        }
      };
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    })()`);

    const client = new Client({ name: HOSTILE, version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } } }),
    );
    const started = (await client.callTool({
      name: 'start_training',
      arguments: { strategy: MOMENTUM, data: 'synthetic:seed=3,bars=1500,signal=0.3', overrides: { epochs: 12 } },
    })) as CallToolResult;
    const opId = (started.structuredContent as { operation_id: string }).operation_id;
    expect(opId).toMatch(/^op_/);

    // The row was not on the page when it loaded: only the events feed can put it there.
    const row = page.locator(`tr[data-op="${opId}"]`);
    await row.waitFor();
    const field = (name: string) => row.locator(`[data-field=${name}]`).textContent();
    await expect.poll(() => field('detail'), { timeout: 90_000, interval: 100 }).toContain('epoch');
    await shot(page, 'operations-training');
    await expect.poll(() => field('status'), { timeout: 120_000, interval: 200 }).toBe('completed');
    const seen = ((await page.evaluate('window.__seen')) as { id: string; status: string; pct: number }[]).filter((s) => s.id === opId);
    const running = seen.filter((s) => s.status === 'running' && s.pct > 0 && s.pct < 100).map((s) => s.pct);
    expect(running.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toMatchObject({ status: 'completed', pct: 100 });
    const modelId = (await row.locator('[data-field=model] a').textContent())!;
    expect(modelId).toBe('momentum_test@1');
    await shot(page, 'operations-done');

    // A stored string from a client (its name, a promotion reason) is shown as text, never run.
    const promoted = (await client.callTool({
      name: 'promote_model',
      arguments: { model_id: modelId, to_stage: 'staging', reason: `dashboard test ${HOSTILE}`, force: true },
    })) as CallToolResult;
    expect(promoted.isError).toBeFalsy();
    const drift = (await client.callTool({
      name: 'check_drift',
      arguments: { model_id: modelId, data: 'synthetic:seed=4,bars=1500,signal=0.3' },
    })) as CallToolResult;
    expect(drift.isError).toBeFalsy();
    await client.close();

    await Promise.all([page.waitForURL(`${base}/models/momentum_test%401`), row.locator('[data-field=model] a').click()]);
    await page.waitForSelector('figure svg');
    expect(await page.locator('figure svg').count()).toBeGreaterThanOrEqual(3);
    expect(await page.textContent('#gates')).toContain('edge_over_baseline');
    const text = (await page.textContent('main'))!;
    expect(text).toContain(HOSTILE);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    await shot(page, 'model-card');

    for (const [pathname, heading, name] of [
      ['/', 'Models', 'models'],
      ['/drift', 'Drift', 'drift'],
      ['/performance', 'Performance', 'performance'],
      ['/research', 'Research journal', 'research'],
    ] as const) {
      await page.goto(`${base}${pathname}`);
      expect(await page.textContent('h1')).toBe(heading);
      if (name !== 'performance' && name !== 'research') expect(await page.textContent('main')).toContain(modelId);
      await shot(page, name);
    }
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    await context.close();
    expect(errors).toEqual([]);
  });
});
