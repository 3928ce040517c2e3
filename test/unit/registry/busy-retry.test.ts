import { describe, expect, it, vi } from 'vitest';
import { guardTimerWrite, isBusyError, retryBusy } from '../../../src/registry/busy-retry.js';

const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
const noSleep = () => Promise.resolve();

describe('busy retry', () => {
  it('recognises SQLite busy and locked codes only', () => {
    expect(isBusyError(busy())).toBe(true);
    expect(isBusyError(Object.assign(new Error('x'), { code: 'SQLITE_BUSY_SNAPSHOT' }))).toBe(true);
    expect(isBusyError(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT' }))).toBe(false);
    expect(isBusyError(null)).toBe(false);
  });

  it('retries busy errors with doubling waits, then succeeds', async () => {
    const waits: number[] = [];
    let calls = 0;
    const out = await retryBusy(
      () => {
        if (++calls < 3) throw busy();
        return 'ok';
      },
      { sleep: async (ms) => void waits.push(ms), baseDelayMs: 10 },
    );
    expect(out).toBe('ok');
    expect(waits).toEqual([10, 20]);
  });

  it('gives up after the bounded attempts and never retries other errors', async () => {
    const fn = vi.fn(() => {
      throw busy();
    });
    await expect(retryBusy(fn, { attempts: 3, sleep: noSleep })).rejects.toThrow('locked');
    expect(fn).toHaveBeenCalledTimes(3);
    const other = vi.fn(() => {
      throw new Error('boom');
    });
    await expect(retryBusy(other, { sleep: noSleep })).rejects.toThrow('boom');
    expect(other).toHaveBeenCalledTimes(1);
  });

  it('a guarded timer write logs and never rejects', async () => {
    const warn = vi.fn();
    await expect(
      guardTimerWrite(
        { warn } as never,
        'heartbeat',
        () => {
          throw busy();
        },
        { attempts: 2, sleep: noSleep },
      ),
    ).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ busy: true }), 'heartbeat failed');
  });
});
