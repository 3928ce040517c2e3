import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataDescription } from '../../src/domain/data-description.js';
import { runCli } from '../helpers/cli.js';
import { connectClient, text } from '../helpers/mcp.js';
import { tempServices } from '../helpers/services.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-describe-'));
/** A European export: `;`, YYYYMMDD dates, three-digit decimal commas, close only, newest first. */
const EU = path.join(dir, 'eu.csv');
fs.writeFileSync(EU, 'Date;Name;Close\n20210317;x;3,140\n20210316;x;3,100\n20210315;x;3,080\n');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('describe_data through a real MCP client', () => {
  // The files live in the server's home, one of the folders MCP clients may read.
  const { services } = tempServices(dir);
  let mcp: Awaited<ReturnType<typeof connectClient>>;
  beforeAll(async () => {
    mcp = await connectClient(services, { readOnly: true });
  });
  afterAll(async () => {
    await mcp.close();
    await services.close();
  });

  it('is a read-only tool, listed on a read-only server', async () => {
    const { tools } = await mcp.client.listTools();
    const tool = tools.find((t) => t.name === 'describe_data');
    // Listed: the hints that differ from MCP's defaults (a read-only tool is neither destructive nor non-idempotent).
    expect(tool?.annotations).toEqual({ readOnlyHint: true, openWorldHint: false });
  });

  it('shows what was read: span, timeframe, close range, notes, first rows, missing fields', async () => {
    const r = await mcp.call('describe_data', { data: `csv:${EU}`, rows: 2 });
    expect(r.isError).toBeFalsy();
    const d = r.structuredContent as DataDescription;
    expect(d).toMatchObject({ timeframe: '1d', bars: 3, missing_fields: ['open', 'high', 'low', 'volume'] });
    expect(d.symbols).toEqual([
      {
        symbol: 'eu',
        bars: 3,
        first: '2021-03-15T00:00:00.000Z',
        last: '2021-03-17T00:00:00.000Z',
        close_min: 3.08,
        close_max: 3.14,
        rows: [
          { time: '2021-03-15T00:00:00.000Z', open: 3.08, high: 3.08, low: 3.08, close: 3.08, volume: 0 },
          { time: '2021-03-16T00:00:00.000Z', open: 3.1, high: 3.1, low: 3.1, close: 3.1, volume: 0 },
        ],
      },
    ]);
    const notes = d.notes.join('\n');
    expect(notes).toMatch(/compact dates/);
    expect(notes).toMatch(/decimal commas/);
    expect(notes).toMatch(/close-only file/);
    expect(notes).toMatch(/sorted 3 rows that were in descending order/);
    expect(text(r)).toMatch(/eu: 3 bars, 2021-03-15T00:00:00.000Z .. 2021-03-17T00:00:00.000Z, close 3.08 .. 3.14/);
  });

  it('large data: min and max over 300k bars, filters and resampling applied', async () => {
    const r = await mcp.call('describe_data', { data: 'synthetic:seed=1,bars=300000,timeframe=1h', timeframe: '1d', rows: 1 });
    expect(r.isError).toBeFalsy();
    const d = r.structuredContent as DataDescription;
    expect(d.timeframe).toBe('1d');
    expect(d.symbols[0]!.close_min).toBeLessThanOrEqual(d.symbols[0]!.close_max!);
    expect(d.notes.join('\n')).toMatch(/resampled 1h bars to 1d/);
  });

  it('a file that cannot be read is an error with the line, nothing thrown through', async () => {
    fs.writeFileSync(path.join(dir, 'bad.csv'), 'date;open;high;low;close\n2021-03-15;3,080;3.120;3,010;3,100\n');
    const r = await mcp.call('describe_data', { data: `csv:${path.join(dir, 'bad.csv')}` });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/INVALID_DATA.*line 2: cannot tell decimal commas from thousands separators/s);
  });
});

describe('trainyard data show (built, spawned)', () => {
  it('prints the description, or --json, and usage errors exit 2', async () => {
    const home = path.join(dir, 'home');
    const r = await runCli(['data', 'show', `csv:${EU}`, '--home', home]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^csv:.*eu\.csv: 1 symbol\(s\), 3 bars, timeframe 1d · missing: open, high, low, volume\n/);
    expect(r.stdout).toMatch(/\n {2}2021-03-15T00:00:00.000Z +3.08 +3.08 +3.08 +3.08 +0\n/);
    expect(r.stdout).toMatch(/note: .*decimal commas/);
    const json = await runCli(['data', 'show', 'sample:sp500', '--rows', '2', '--json', '--home', home]);
    expect(json.code).toBe(0);
    const d = JSON.parse(json.stdout) as DataDescription;
    expect(d.symbols[0]).toMatchObject({ symbol: 'SP500', first: '2000-01-03T00:00:00.000Z' });
    expect(d.symbols[0]!.rows).toHaveLength(2);
    const usage = await runCli(['data', 'list']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Usage: trainyard data show <spec>/);
  });
});
