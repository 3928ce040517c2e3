import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { barColumns, createBarStore } from '../../../src/registry/bar-store.js';
import { openRegistry } from '../../../src/registry/index.js';
import type { Bars } from '../../../src/pipeline/data/types.js';

const DAY = 86_400_000;
function bars(n: number, close: (i: number) => number): Bars {
  const col = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
  const c = col(close);
  return { symbol: 'SPX', time: col((i) => Date.UTC(2024, 0, 1) + i * DAY), open: c, high: c, low: c, close: c, volume: col(() => 1) };
}

describe('writeBatchInChunks', () => {
  it('writes a batch over several transactions, inserts and replacements, with one batch row', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ty-chunks-'));
    const registry = openRegistry({ file: path.join(home, 'trainyard.db'), modelsDir: path.join(home, 'models') });
    const store = createBarStore(registry.db, () => new Date('2024-06-01T00:00:00Z'));
    const base = { actor: 'test', source: 'test', timeframe: '1d', on_conflict: 'replace' as const, duplicates: 0, gaps: [] };
    const first = bars(10, (i) => 100 + i);
    const all = Array.from({ length: 10 }, (_, i) => i);
    const a = await store.writeBatchInChunks(
      { ...base, received: 10, rows: [{ symbol: 'SPX', insert: barColumns(first, all), replace: barColumns(first, []) }] },
      3,
    );
    expect(a).toMatchObject({ added: 10, replaced: 0, symbols: ['SPX'] });
    const second = bars(10, (i) => 200 + i);
    const b = await store.writeBatchInChunks(
      {
        ...base,
        received: 4,
        rows: [{ symbol: 'SPX', insert: barColumns(second, []), replace: barColumns(second, [2, 3, 4, 5]) }],
      },
      3,
    );
    expect(b).toMatchObject({ id: a.id + 1, added: 0, replaced: 4 });
    const stored = store.range('SPX', '1d', 0, Number.MAX_SAFE_INTEGER);
    expect(stored.map((s) => s.close)).toEqual([100, 101, 202, 203, 204, 205, 106, 107, 108, 109]);
    const batchIds = registry.db.prepare('SELECT batch_id, COUNT(*) AS n FROM bars GROUP BY batch_id ORDER BY batch_id').all();
    expect(batchIds).toEqual([
      { batch_id: a.id, n: 6 },
      { batch_id: b.id, n: 4 },
    ]);
    expect(store.batches()).toHaveLength(2);
    registry.close();
  });
});
