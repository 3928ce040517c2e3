import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSchedulerLock } from '../../../src/services/scheduler-lock.js';

const home = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ty-lock-'));

describe('scheduler lock (one scheduler per state folder)', () => {
  it('refuses a second scheduler while the first lives, naming it; free again after release', () => {
    const dir = home();
    const watch = createSchedulerLock(dir, 'trainyard watch');
    const serve = createSchedulerLock(dir, 'trainyard serve');
    watch.acquire();
    watch.acquire(); // idempotent while held
    expect(() => serve.acquire()).toThrow(new RegExp(`already runs for .*pid ${process.pid} \\(trainyard watch`));
    watch.release();
    expect(fs.existsSync(watch.file)).toBe(false);
    serve.acquire();
    expect(serve.holder()?.command).toBe('trainyard serve');
    serve.release();
  });

  it('takes over the lock of a dead process and of a half-written file', () => {
    const dir = home();
    const file = path.join(dir, 'scheduler.lock');
    fs.writeFileSync(file, JSON.stringify({ pid: 999_999, host: os.hostname(), command: 'trainyard watch', started_at: 'x', token: 't' }));
    const lock = createSchedulerLock(dir, 'trainyard serve', (pid) => pid !== 999_999);
    lock.acquire();
    expect(lock.holder()?.pid).toBe(process.pid);
    lock.release();
    fs.writeFileSync(file, '{"pid":');
    lock.acquire();
    expect(lock.holder()?.command).toBe('trainyard serve');
  });

  it('release never removes a lock another process took over', () => {
    const dir = home();
    const a = createSchedulerLock(dir, 'a');
    a.acquire();
    fs.writeFileSync(a.file, JSON.stringify({ pid: 1, host: os.hostname(), command: 'b', started_at: 'x', token: 'other' }));
    a.release();
    expect(fs.existsSync(a.file)).toBe(true);
  });
});
