import type { Db } from './db.js';

/**
 * The main thread's writes go first. A long write that runs in a worker on its own connection (an
 * ingest's chunked transactions) would otherwise starve them: SQLite's busy handler sleeps 1, 2,
 * 5, 10, 15, ... ms between tries, and a worker that begins its next chunk microseconds after
 * committing the last almost always holds the lock when the main thread tries again (measured
 * before the gate: a progress write on the main thread blocked for 0.5-1.5 s during a 1M-bar
 * ingest). With the gate the main thread announces each write transaction in shared memory; the
 * worker ends its chunk within ~64 rows (~0.3 ms), commits and waits until no main-thread write is
 * announced. The main thread's first retry (1 ms) then finds the lock free.
 *
 * One process only: another process (a CLI beside the server) still waits on the busy timeout,
 * between chunks of a few milliseconds.
 */
export type WriteGate = Int32Array;

/** A gate in shared memory: pass it to the worker that writes (workerData or a message). */
export function createWriteGate(): WriteGate {
  return new Int32Array(new SharedArrayBuffer(4));
}

function enter(gate: WriteGate): void {
  Atomics.add(gate, 0, 1);
}

function leave(gate: WriteGate): void {
  if (Atomics.sub(gate, 0, 1) === 1) Atomics.notify(gate, 0);
}

type Fn = (...args: never[]) => unknown;

function gated<F extends Fn>(gate: WriteGate, fn: F, self: unknown): F {
  return function (this: unknown, ...args: Parameters<F>) {
    enter(gate);
    try {
      return fn.apply(self ?? this, args);
    } finally {
      leave(gate);
    }
  } as F;
}

/**
 * Announces every write of `db` through `gate`: statements that return no rows (`run`), `exec`,
 * and transactions (all three modes) from their BEGIN to their COMMIT. Reads are not announced:
 * in WAL mode they never wait for a writer.
 */
export function announceWrites(db: Db, gate: WriteGate): void {
  const prepare = db.prepare.bind(db);
  db.prepare = ((source: string) => {
    const stmt = prepare(source);
    if (!stmt.reader) stmt.run = gated(gate, stmt.run, stmt);
    return stmt;
  }) as Db['prepare'];
  db.exec = gated(gate, db.exec, db) as Db['exec'];
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: Fn) => {
    const t = transaction(fn);
    const wrapped = gated(gate, t, undefined) as typeof t;
    for (const mode of ['deferred', 'immediate', 'exclusive'] as const) wrapped[mode] = gated(gate, t[mode], undefined);
    wrapped.default = wrapped;
    return wrapped;
  }) as Db['transaction'];
}

/** True while a main-thread write is announced: a worker's chunk should end now. */
export function mainWriteWaiting(gate: WriteGate | undefined): boolean {
  return gate !== undefined && Atomics.load(gate, 0) > 0;
}

/**
 * Blocks this (worker) thread until no main-thread write is announced, or `maxMs` has passed. Call
 * only between transactions: the thread must not hold the write lock while it waits.
 */
export function waitForMainWrites(gate: WriteGate | undefined, maxMs = 1000): void {
  if (!gate) return;
  const until = performance.now() + maxMs;
  for (let v = Atomics.load(gate, 0); v > 0; v = Atomics.load(gate, 0)) {
    const left = until - performance.now();
    if (left <= 0) return;
    Atomics.wait(gate, 0, v, Math.min(left, 50));
  }
}
