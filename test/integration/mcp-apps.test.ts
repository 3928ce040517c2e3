import fs from 'node:fs';
import path from 'node:path';
import { RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';
import { Client, InMemoryTransport, type CallToolResult } from '@modelcontextprotocol/client';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_CARD_HTML, MODEL_CARD_URI, VIEW_META_KEY, type ViewData } from '../../src/server/apps/model-card.js';
import { createServer } from '../../src/server/create-server.js';
import type { Services } from '../../src/services/index.js';
import { MOMENTUM, tempServices } from '../helpers/services.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SHOTS = path.join(ROOT, 'test-output', 'mcp-apps');
const CHROMIUM = '/usr/bin/chromium';
const DATA = 'synthetic:seed=1,bars=1500,signal=0.3';
const UI_EXTENSION = { 'io.modelcontextprotocol/ui': { mimeTypes: [RESOURCE_MIME_TYPE] } };

/** A v2 SDK client in-process; `apps` declares the MCP Apps extension as hosts that render views do. */
async function connect(services: Services, apps: boolean): Promise<Client> {
  const { server } = createServer(services);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client(
    { name: apps ? 'apps-host' : 'plain-agent', version: '1.0.0' },
    { capabilities: apps ? { extensions: UI_EXTENSION } : {} },
  );
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  return client;
}

const viewOf = (r: CallToolResult) => r._meta?.[VIEW_META_KEY] as ViewData | undefined;

describe('MCP Apps: the model card view', () => {
  let services: Services;
  let modelId: string;
  let apps: Client;
  let plain: Client;

  beforeAll(async () => {
    ({ services } = tempServices());
    apps = await connect(services, true);
    plain = await connect(services, false);
    const r = (await apps.callTool({
      name: 'start_training',
      arguments: { strategy: MOMENTUM, data: DATA, overrides: { epochs: 2 }, wait_seconds: 110 },
    })) as CallToolResult;
    const op = r.structuredContent as { status: string; result: { model_id: string } };
    expect(op.status).toBe('completed');
    modelId = op.result.model_id;
    // The training result's view carries the new model's charts.
    expect(viewOf(r)?.model_id).toBe(modelId);
  });
  afterAll(async () => {
    await apps?.close();
    await plain?.close();
    await services?.close();
  });

  it('tools with a view declare it; the resource is one self-contained HTML document', async () => {
    const { tools } = await plain.listTools();
    const withView = tools.filter((t) => (t._meta?.['ui'] as { resourceUri?: string } | undefined)?.resourceUri === MODEL_CARD_URI);
    expect(withView.map((t) => t.name).sort()).toEqual(['get_model', 'run_backtest', 'start_training']);
    const listed = (await plain.listResources()).resources.find((r) => r.uri === MODEL_CARD_URI);
    expect(listed?.mimeType).toBe(RESOURCE_MIME_TYPE);
    const read = await plain.readResource({ uri: MODEL_CARD_URI });
    const html = (read.contents[0] as { text: string; mimeType: string }).text;
    expect(read.contents[0]?.mimeType).toBe(RESOURCE_MIME_TYPE);
    expect(html).toContain('<main id="app">');
    // No network: nothing loaded by URL (the CSP forbids it too).
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).toContain("default-src 'none'");
  });

  it('a client without MCP Apps gets the result as before; a host that renders them gets the charts in _meta', async () => {
    const before = (await plain.callTool({ name: 'get_model', arguments: { model_id: modelId } })) as CallToolResult;
    expect(before._meta?.[VIEW_META_KEY]).toBeUndefined();
    const after = (await apps.callTool({ name: 'get_model', arguments: { model_id: modelId } })) as CallToolResult;
    expect(after.content).toEqual(before.content);
    expect(after.structuredContent).toEqual(before.structuredContent);
    const view = viewOf(after)!;
    expect(view.model_id).toBe(modelId);
    expect(view.charts.map((c) => c.name)).toEqual(expect.arrayContaining(['training_curves', 'equity']));
    for (const c of view.charts) expect(c.svg).toMatch(/^<svg/);
  });

  it('renders in Chromium through the ext-apps host bridge: model id, training curves, equity, hover, toggles, no console errors', async (ctx) => {
    if (!fs.existsSync(CHROMIUM)) {
      if (process.env['CI']) throw new Error(`${CHROMIUM} is missing; CI installs Debian's chromium`);
      console.log(`skipped: ${CHROMIUM} not installed (apt-get install chromium); CI runs this test`);
      ctx.skip();
    }
    const { chromium } = await import('playwright-core');
    const hostJs = (
      await build({
        entryPoints: [path.join(ROOT, 'test', 'helpers', 'apps-host', 'host.ts')],
        bundle: true,
        format: 'iife',
        platform: 'browser',
        target: 'es2022',
        write: false,
        logLevel: 'warning',
      })
    ).outputFiles[0]!.text;
    const read = await apps.readResource({ uri: MODEL_CARD_URI });
    const html = (read.contents[0] as { text: string }).text;
    expect(html).toBe(fs.readFileSync(MODEL_CARD_HTML(), 'utf8'));

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const errors: string[] = [];
    try {
      const page = await browser.newPage({ viewport: { width: 900, height: 2400 } });
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      // Nothing leaves the page: every request but the inline documents fails the test.
      await page.route('**/*', (route) => {
        errors.push(`network request: ${route.request().url()}`);
        return route.abort();
      });
      await page.exposeFunction('hostCallTool', (p: { name: string; arguments?: Record<string, unknown> }) => apps.callTool(p));
      await page.exposeFunction('hostReadResource', (p: { uri: string }) => apps.readResource(p));
      await page.setContent(`<!doctype html><html><body><script>${hostJs.replace(/<\/script/gi, '<\\/script')}</script></body></html>`);
      await page.evaluate(
        ([h, id]) =>
          (globalThis as unknown as { showView: (h: string, t: string, a: object) => Promise<void> }).showView(h!, 'get_model', {
            model_id: id,
          }),
        [html, modelId],
      );

      const view = page.frameLocator('iframe');
      await expect.poll(() => view.locator('#model-id').textContent(), { timeout: 15_000 }).toBe(modelId);
      const curves = view.locator('#chart-training_curves svg');
      const equity = view.locator('#chart-equity svg');
      expect(await curves.isVisible()).toBe(true);
      expect(await equity.isVisible()).toBe(true);
      expect(await curves.getAttribute('aria-label')).toMatch(/\w/);
      expect(await view.locator('.gates summary').count()).toBeGreaterThan(0);
      fs.mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, 'model-card.png'), fullPage: true });

      // Hover: the read-out of the mark under the pointer.
      // A point of the kept epoch (Vega labels each mark "Epoch: 2; Cross-entropy loss: ...").
      const mark = view.locator('#chart-training_curves svg path[aria-label^="Epoch: 2"]').first();
      await mark.hover({ force: true });
      await expect.poll(() => view.locator('#tooltip').isVisible(), { timeout: 5_000 }).toBe(true);
      expect(await view.locator('#tooltip').textContent()).toMatch(/\w/);
      await page.screenshot({ path: path.join(SHOTS, 'model-card-hover.png'), fullPage: true });

      // Toggles: a chart hides and shows again.
      const toggle = view.locator('button[data-chart="equity"]');
      await toggle.click();
      expect(await equity.isVisible()).toBe(false);
      expect(await toggle.getAttribute('aria-pressed')).toBe('false');
      await toggle.click();
      expect(await equity.isVisible()).toBe(true);
    } finally {
      await browser.close();
    }
    expect(errors).toEqual([]);
  });
});
