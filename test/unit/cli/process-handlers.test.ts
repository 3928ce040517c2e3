import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { installProcessHandlers } from '../../../src/cli/process-handlers.js';

describe('process-level fault handlers', () => {
  it('log unhandled rejections and uncaught exceptions, and are removed again', () => {
    const proc = new EventEmitter();
    const error = vi.fn();
    const remove = installProcessHandlers(proc as never, { error }, 'the server');
    proc.emit('unhandledRejection', new Error('late write'));
    proc.emit('uncaughtException', new Error('timer threw'), 'uncaughtException');
    expect(error).toHaveBeenCalledTimes(2);
    expect(error.mock.calls[0]![1]).toMatch(/unhandled promise rejection; the server keeps running/);
    remove();
    expect(proc.listenerCount('unhandledRejection') + proc.listenerCount('uncaughtException')).toBe(0);
  });
});
