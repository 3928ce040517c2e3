import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_ACCESS, isWithin, mcpAccess, realPathOf, resolveReadPath, type FileAccess } from '../../../src/config/access.js';
import { loadConfig } from '../../../src/config/load.js';
import { isDomainError } from '../../../src/domain/errors.js';

// A root, a sibling whose name starts like it, and files inside, beside and behind symlinks.
const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-access-')));
const root = path.join(base, 'data');
const evil = path.join(base, 'data-evil');
fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
fs.mkdirSync(evil);
fs.writeFileSync(path.join(root, 'sub', 'prices.csv'), 'date,close\n');
fs.writeFileSync(path.join(evil, 'secret.txt'), 'API_KEY=sk-secret-123\n');
fs.symlinkSync(path.join(evil, 'secret.txt'), path.join(root, 'link-out.csv'));
fs.symlinkSync(evil, path.join(root, 'dir-out'));
fs.symlinkSync(path.join(root, 'sub', 'prices.csv'), path.join(evil, 'link-in.csv'));
fs.symlinkSync(path.join(base, 'nowhere'), path.join(root, 'dangling.csv'));
const access: FileAccess = { kind: 'mcp', roots: [root] };
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

const refused = (p: string, cwd = root) => {
  try {
    resolveReadPath(p, { cwd, access, what: 'data file' });
  } catch (err) {
    if (isDomainError(err)) return err;
    throw err;
  }
  throw new Error(`${p} was not refused`);
};

describe('resolveReadPath: the one gate between a user-given path and a read', () => {
  it('an MCP client reads a file under its roots, by relative or absolute path, as its real path', () => {
    const file = path.join(root, 'sub', 'prices.csv');
    expect(resolveReadPath('sub/prices.csv', { cwd: root, access, what: 'data file' })).toBe(file);
    expect(resolveReadPath(file, { cwd: '/', access, what: 'data file' })).toBe(file);
    expect(resolveReadPath('sub/../sub/./prices.csv', { cwd: root, access, what: 'data file' })).toBe(file);
    // A link from outside to a file inside reads a file inside.
    expect(resolveReadPath(path.join(evil, 'link-in.csv'), { cwd: '/', access, what: 'data file' })).toBe(file);
    // Files that do not exist yet are judged by their folder (the loader then reports them missing).
    expect(resolveReadPath('sub/later.csv', { cwd: root, access, what: 'data file' })).toBe(path.join(root, 'sub', 'later.csv'));
  });

  it('refuses absolute paths, .. escapes, prefix tricks and symlinks that lead out, naming the roots and data_roots', () => {
    for (const p of [
      '/etc/passwd',
      '../../../../etc/shadow',
      '../data-evil/secret.txt',
      evil,
      path.join(evil, 'secret.txt'),
      'link-out.csv',
      'dir-out/secret.txt',
      'dangling.csv',
      '/nowhere/at/all.csv',
    ]) {
      const err = refused(p);
      expect(err.code, p).toBe('ACCESS_DENIED');
      expect(err.message).toContain(root);
      expect(err.message).toContain('data_roots');
      expect(err.message).not.toContain('sk-secret');
    }
  });

  it('a refusal does not depend on whether the file exists', () => {
    const a = refused('/etc/passwd').message.replace('/etc/passwd', 'X');
    const b = refused('/etc/no-such-file-here').message.replace('/etc/no-such-file-here', 'X');
    expect(a).toBe(b);
  });

  it('a NUL byte is refused as invalid input', () => {
    expect(refused('sub/prices.csv\0.txt').code).toBe('INVALID_ARGUMENT');
  });

  it('the CLI reads what it is given, relative to its working folder', () => {
    expect(resolveReadPath('secret.txt', { cwd: evil, access: CLI_ACCESS, what: 'data file' })).toBe(path.join(evil, 'secret.txt'));
    expect(resolveReadPath('/etc/passwd', { cwd: root, what: 'data file' })).toBe('/etc/passwd');
  });
});

describe('isWithin and realPathOf', () => {
  it('compares whole path segments', () => {
    expect(isWithin('/root/data', '/root/data')).toBe(true);
    expect(isWithin('/root/data/x.csv', '/root/data')).toBe(true);
    expect(isWithin('/root/data/..x/y.csv', '/root/data')).toBe(true);
    expect(isWithin('/root/data-evil/x.csv', '/root/data')).toBe(false);
    expect(isWithin('/root/datax', '/root/data')).toBe(false);
    expect(isWithin('/root', '/root/data')).toBe(false);
    expect(isWithin('/etc/passwd', '/')).toBe(true);
  });

  it('resolves links, and refuses to place a link that leads nowhere', () => {
    expect(realPathOf(path.join(root, 'dir-out', 'secret.txt'))).toBe(path.join(evil, 'secret.txt'));
    expect(realPathOf(path.join(root, 'dir-out', 'missing', 'x.csv'))).toBe(path.join(evil, 'missing', 'x.csv'));
    expect(realPathOf(path.join(root, 'dangling.csv'))).toBeNull();
  });
});

describe('mcpAccess: the roots from config', () => {
  it('defaults to the folder trainyard starts in plus home, strategies and data; data_roots adds folders', () => {
    const cfg = loadConfig({ env: {}, cwd: root, argv: { home: path.join(base, 'home') } });
    expect(cfg.data_roots).toEqual([root]);
    const roots = (mcpAccess(cfg) as { roots: string[] }).roots;
    expect(roots).toEqual(
      expect.arrayContaining([root, path.join(base, 'home'), fs.realpathSync(cfg.strategies_dir), fs.realpathSync(cfg.data_dir)]),
    );
    const file = path.join(base, 'trainyard.yaml');
    fs.writeFileSync(file, `data_roots: [".", "${evil}"]\n`);
    const more = loadConfig({ env: {}, cwd: root, file });
    expect(more.data_roots).toEqual([root, evil]);
    expect(resolveReadPath(path.join(evil, 'secret.txt'), { cwd: root, access: mcpAccess(more), what: 'data file' })).toBe(
      path.join(evil, 'secret.txt'),
    );
  });
});
