import fs from 'node:fs';
import path from 'node:path';

/** Package version plus the git commit when the package runs from a checkout ("0.1.0+abc1234"). */
export function codeVersion(root: string): string {
  let version = '0.0.0';
  try {
    version = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    /* keep the placeholder */
  }
  try {
    const head = fs.readFileSync(path.join(root, '.git', 'HEAD'), 'utf8').trim();
    const ref = /^ref: (.+)$/.exec(head)?.[1];
    const sha = ref ? readRef(root, ref) : head;
    if (sha && /^[0-9a-f]{40}$/.test(sha)) return `${version}+${sha.slice(0, 7)}`;
  } catch {
    /* not a checkout */
  }
  return version;
}

function readRef(root: string, ref: string): string | undefined {
  const loose = path.join(root, '.git', ref);
  if (fs.existsSync(loose)) return fs.readFileSync(loose, 'utf8').trim();
  const packed = path.join(root, '.git', 'packed-refs');
  if (!fs.existsSync(packed)) return undefined;
  return fs
    .readFileSync(packed, 'utf8')
    .split('\n')
    .find((l) => l.endsWith(` ${ref}`))
    ?.split(' ')[0];
}
