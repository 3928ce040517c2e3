import fs from 'node:fs';
import path from 'node:path';
import { DomainError } from '../../domain/errors.js';

/** Every file under `dir` as relative path -> base64; refuses a folder larger than `maxBytes`. */
export function packFolder(dir: string, maxBytes: number): Record<string, string> {
  const out: Record<string, string> = {};
  let total = 0;
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) {
        const bytes = fs.readFileSync(path.join(dir, r));
        total += bytes.length;
        if (total > maxBytes)
          throw new DomainError(
            'LIMIT_EXCEEDED',
            `the model's artifacts exceed queue.artifact_max_mb (${maxBytes / 1024 / 1024} MB) and cannot travel back through Redis; raise queue.artifact_max_mb or train a smaller model.`,
          );
        out[r.split(path.sep).join('/')] = bytes.toString('base64');
      }
    }
  };
  if (fs.existsSync(dir)) walk('');
  return out;
}

/** Writes packed files into `dir` (through a temp folder renamed into place: a reader never sees half of it). */
export function unpackFolder(files: Record<string, string>, dir: string): void {
  const tmp = `${path.join(path.dirname(dir), '.tmp-' + path.basename(dir))}-${process.pid.toString(16)}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  for (const [rel, b64] of Object.entries(files)) {
    if (rel.split('/').includes('..') || path.isAbsolute(rel)) throw new DomainError('INVALID_ARGUMENT', `unsafe artifact path "${rel}"`);
    const file = path.join(tmp, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.from(b64, 'base64'));
  }
  fs.mkdirSync(tmp, { recursive: true });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
}
