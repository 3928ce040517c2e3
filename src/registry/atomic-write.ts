import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { renameDurablyAsync } from '../config/durable-fs.js';

const TEMP = /\.tmp-(\d+)-[0-9a-f]+$/;

/**
 * Temporary files of writeJsonAtomicAsync in `dirs` whose writer died mid-write (killed between
 * create and rename): start-up recovery removes them. A live writer's files stay.
 */
export function staleTempFiles(dirs: string[], isAlive: (pid: number) => boolean): string[] {
  const out: string[] = [];
  for (const dir of dirs) {
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      const pid = TEMP.exec(name)?.[1];
      if (pid && Number(pid) !== process.pid && !isAlive(Number(pid))) out.push(path.join(dir, name));
    }
  }
  return out;
}

/**
 * Writes JSON so a reader sees the old file or the new one, never half of one (temp + fsync + rename + fsync of the folder),
 * without blocking the event loop (the mirror writes while a server answers requests).
 */
export async function writeJsonAtomicAsync(file: string, value: unknown): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  try {
    await fs.promises.writeFile(tmp, JSON.stringify(value, null, 2) + '\n');
    await renameDurablyAsync(tmp, file);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
}

/** Temp file and rename, synchronously (a worker thread's own writes): a reader never sees half a file. */
export function writeJsonAtomicSync(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(value));
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
