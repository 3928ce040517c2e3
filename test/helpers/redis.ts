import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CLI } from './cli.js';

/** Debian's redis-server (`apt-get install redis-server`); .ci/run installs it. */
export const REDIS_SERVER = process.env['TRAINYARD_REDIS_SERVER'] ?? 'redis-server';

function hasRedis(): boolean {
  return spawnSync(REDIS_SERVER, ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Why the Redis queue tests cannot run here, or null when they can. In CI a missing redis-server is
 * a failure (the tests run and say what to install); elsewhere they are skipped with this reason.
 */
export function redisSkipReason(): string | null {
  if (hasRedis() || process.env['CI']) return null;
  return `skipped: no ${REDIS_SERVER} (apt-get install redis-server, or set TRAINYARD_REDIS_SERVER); CI runs these tests`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A throwaway redis-server on a free loopback port, nothing persisted. */
export async function startRedis(): Promise<{ url: string; stop: () => void }> {
  if (!hasRedis())
    throw new Error(`${REDIS_SERVER} not found: install Debian's redis-server package (apt-get install -y redis-server), as .ci/run does.`);
  const port = await freePort();
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => (c.end(), resolve(true)));
      c.once('error', () => resolve(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `redis://127.0.0.1:${port}`, stop: () => void child.kill('SIGKILL') };
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Operation ids this worker started (from its log). */
  started: () => string[];
  stderr: () => string;
}

/** `node dist/cli.js worker` with its own temporary home and the given config file (npm test builds first). */
export function spawnWorker(home: string, configFile: string): WorkerProcess {
  fs.mkdirSync(home, { recursive: true });
  const child = spawn(process.execPath, [CLI, 'worker', '--home', home, '--config', configFile, '--log-level', 'info'], {
    env: { PATH: process.env['PATH'] ?? '' },
    stdio: ['ignore', 'ignore', 'pipe'],
    cwd: path.resolve(import.meta.dirname, '..', '..'),
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return {
    child,
    stderr: () => err,
    started: () =>
      err
        .split('\n')
        .filter((l) => l.includes('"job started"'))
        .map((l) => (JSON.parse(l) as { operation_id: string }).operation_id),
  };
}
