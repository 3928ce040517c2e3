import type http from 'node:http';
import type { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import type { Logger } from 'pino';

export interface Session {
  transport: NodeStreamableHTTPServerTransport;
  close: () => Promise<void>;
  /** When the last request arrived or the last response ended. */
  lastSeen: number;
  /** POSTs whose response is still open (a long tools/call streams progress for minutes). */
  inflight: number;
  /** Open standalone GET streams (server-to-client notifications). */
  streams: number;
  /** The client opened a GET stream at some point. */
  listened: boolean;
  /** The client sent something besides initialize and notifications/initialized. */
  used: boolean;
}

export interface SessionTimes {
  /** Any session with nothing in flight this long is closed. */
  idleMs: number;
  /** A session looks abandoned this long after its client left: see `evictionReason`. */
  abandonedMs: number;
}

const HANDSHAKE = new Set(['initialize', 'notifications/initialized']);

/**
 * Why a session should be closed now, or null. Health checks (`claude mcp list`: initialize,
 * a GET stream, tools/list, then exit without DELETE) and clients that only initialize would
 * otherwise hold a session slot until the idle timeout: a session with nothing in flight and no
 * open GET stream is abandoned `abandonedMs` after its client's GET stream closed, or after a
 * handshake that nothing followed. A client that reconnects its stream within that time keeps it.
 */
export function evictionReason(s: Session, now: number, t: SessionTimes): 'idle' | 'abandoned' | null {
  if (s.inflight > 0) return null;
  const quiet = now - s.lastSeen;
  if (quiet > t.idleMs) return 'idle';
  if (s.streams === 0 && (s.listened || !s.used) && quiet > t.abandonedMs) return 'abandoned';
  return null;
}

/** The HTTP server's sessions by id, with the activity that decides when each is closed. */
export function createSessionTable(times: SessionTimes, logger: Logger, now: () => number = Date.now) {
  const sessions = new Map<string, Session>();
  return {
    get size() {
      return sessions.size;
    },
    get: (id: string) => sessions.get(id),
    add(id: string, transport: NodeStreamableHTTPServerTransport, close: () => Promise<void>): void {
      sessions.set(id, { transport, close, lastSeen: now(), inflight: 0, streams: 0, listened: false, used: false });
    },
    remove: (id: string) => sessions.delete(id),
    /** Counts a request against its session until its response ends. */
    track(s: Session, req: http.IncomingMessage, res: http.ServerResponse, methods: string[] | undefined): void {
      s.lastSeen = now();
      if (methods?.some((m) => !HANDSHAKE.has(m))) s.used = true;
      if (req.method === 'GET') {
        s.streams++;
        s.listened = true;
      } else if (req.method === 'POST') s.inflight++;
      else return;
      const method = req.method;
      res.once('close', () => {
        if (method === 'GET') s.streams--;
        else s.inflight--;
        s.lastSeen = now();
      });
    },
    /** Closes the sessions that `evictionReason` names. */
    sweep(): void {
      const t = now();
      for (const [id, s] of sessions) {
        const reason = evictionReason(s, t, times);
        if (!reason) continue;
        sessions.delete(id);
        void s.close();
        logger.info({ session: id, reason }, `closed ${reason} session`);
      }
    },
    async closeAll(): Promise<void> {
      const all = [...sessions.values()];
      sessions.clear();
      await Promise.all(all.map((s) => s.close()));
    },
  };
}
