import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renameDurably, renameDurablyAsync } from '../../../src/config/durable-fs.js';

describe('durable rename', () => {
  it('moves a folder tree and a file into place (contents and folders flushed)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ty-durable-'));
    const tmp = path.join(dir, '.tmp-x');
    fs.mkdirSync(path.join(tmp, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'a.json'), '{"a":1}');
    fs.writeFileSync(path.join(tmp, 'sub', 'b.bin'), 'b');
    fs.mkdirSync(path.join(dir, 'models'));
    renameDurably(tmp, path.join(dir, 'models', 'x@1'));
    expect(fs.readFileSync(path.join(dir, 'models', 'x@1', 'sub', 'b.bin'), 'utf8')).toBe('b');
    fs.writeFileSync(path.join(dir, 'f.tmp'), 'new');
    await renameDurablyAsync(path.join(dir, 'f.tmp'), path.join(dir, 'f.json'));
    expect(fs.readFileSync(path.join(dir, 'f.json'), 'utf8')).toBe('new');
    expect(fs.existsSync(path.join(dir, 'f.tmp'))).toBe(false);
  });
});
