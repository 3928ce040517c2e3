import fs from 'node:fs';
import path from 'node:path';

/**
 * fsync for files renamed into place. A rename is atomic but not durable: after a power loss the
 * new name can point at a file whose data never reached the disk. So every file (and the folder
 * holding them) is flushed before the rename, and the parent folder after it, which makes the
 * rename itself durable. Folders cannot be opened for fsync on Windows: that part is skipped there.
 */
function fsyncOne(p: string, isDir: boolean): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(p, isDir ? 'r' : 'r+');
    fs.fsyncSync(fd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!(isDir && (code === 'EISDIR' || code === 'EPERM' || code === 'EACCES' || code === 'EINVAL'))) throw err;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Flushes a file, or a folder's files (recursively) and then the folder itself. */
export function fsyncTree(p: string): void {
  if (fs.statSync(p).isDirectory()) {
    for (const e of fs.readdirSync(p, { withFileTypes: true })) {
      const child = path.join(p, e.name);
      if (e.isDirectory()) fsyncTree(child);
      else if (e.isFile()) fsyncOne(child, false);
    }
    fsyncOne(p, true);
  } else fsyncOne(p, false);
}

/** Renames a finished file or folder into place durably: its contents before, both parents after. */
export function renameDurably(from: string, to: string): void {
  fsyncTree(from);
  fs.renameSync(from, to);
  fsyncOne(path.dirname(to), true);
  if (path.dirname(from) !== path.dirname(to)) fsyncOne(path.dirname(from), true);
}

async function fsyncOneAsync(p: string, isDir: boolean): Promise<void> {
  let fh: fs.promises.FileHandle | undefined;
  try {
    fh = await fs.promises.open(p, isDir ? 'r' : 'r+');
    await fh.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!(isDir && (code === 'EISDIR' || code === 'EPERM' || code === 'EACCES' || code === 'EINVAL'))) throw err;
  } finally {
    await fh?.close();
  }
}

/** renameDurably without blocking the event loop (the mirror and artifact writes run beside a server). */
export async function renameDurablyAsync(from: string, to: string): Promise<void> {
  const stat = await fs.promises.stat(from);
  if (stat.isDirectory()) {
    for (const e of await fs.promises.readdir(from, { withFileTypes: true }))
      if (e.isFile()) await fsyncOneAsync(path.join(from, e.name), false);
      else if (e.isDirectory()) fsyncTree(path.join(from, e.name));
    await fsyncOneAsync(from, true);
  } else await fsyncOneAsync(from, false);
  await fs.promises.rename(from, to);
  await fsyncOneAsync(path.dirname(to), true);
  if (path.dirname(from) !== path.dirname(to)) await fsyncOneAsync(path.dirname(from), true);
}
