import { describe, expect, it } from 'vitest';
import { evictionReason, type Session } from '../../../src/server/http-sessions.js';

const times = { idleMs: 60_000, abandonedMs: 1_000 };
const session = (s: Partial<Session>): Session => ({ lastSeen: 0, inflight: 0, streams: 0, listened: false, used: false, ...s }) as Session;

describe('evictionReason', () => {
  it('closes a session that only initialized once it is quiet for abandonedMs', () => {
    expect(evictionReason(session({}), 999, times)).toBeNull();
    expect(evictionReason(session({}), 1_001, times)).toBe('abandoned');
  });

  it('closes a session whose client left its GET stream (a health check), keeps one that listens', () => {
    expect(evictionReason(session({ used: true, listened: true }), 1_001, times)).toBe('abandoned');
    expect(evictionReason(session({ used: true, listened: true, streams: 1 }), 59_000, times)).toBeNull();
  });

  it('keeps a used session without a stream until the idle timeout', () => {
    expect(evictionReason(session({ used: true }), 59_000, times)).toBeNull();
    expect(evictionReason(session({ used: true }), 60_001, times)).toBe('idle');
    expect(evictionReason(session({ used: true, listened: true, streams: 1 }), 60_001, times)).toBe('idle');
  });

  it('never closes a session while a request is in flight', () => {
    expect(evictionReason(session({ inflight: 1 }), 10 * 60_000, times)).toBeNull();
  });
});
