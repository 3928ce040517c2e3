import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/domain/errors.js';
import { registrationFailedRow, rowForOutcome } from '../../../src/jobs/outcome.js';
import { createStaging, operationIdOf } from '../../../src/jobs/staging.js';
import type { TrainingResult } from '../../../src/pipeline/result.js';

const result = { model_id: 'op_1' } as TrainingResult;

describe('job outcome -> operation row', () => {
  it('registers a result, fails on errors and crashes, and lets a cancel win over anything', () => {
    expect(rowForOutcome({ type: 'result', result }, undefined)).toBe('register');
    expect(rowForOutcome({ type: 'error', code: 'DATA_NOT_FOUND', message: 'no file' }, undefined)).toEqual({
      status: 'failed',
      message: 'no file',
      error: { code: 'DATA_NOT_FOUND', message: 'no file' },
    });
    expect(rowForOutcome({ type: 'crash', code: 'OUT_OF_MEMORY', message: 'oom' }, undefined)).toMatchObject({
      status: 'failed',
      error: { code: 'OUT_OF_MEMORY' },
    });
    expect(rowForOutcome({ type: 'terminated', message: 'killed' }, undefined)).toMatchObject({ status: 'failed' });
    expect(rowForOutcome({ type: 'error', code: 'CANCELLED', message: 'Training was cancelled' }, undefined)).toMatchObject({
      status: 'cancelled',
    });
    expect(rowForOutcome({ type: 'result', result }, 'user asked')).toEqual({
      status: 'cancelled',
      message: 'cancelled: user asked',
      error: { code: 'CANCELLED', message: 'user asked' },
    });
    expect(rowForOutcome({ type: 'crash', code: 'WORKER_CRASHED', message: 'exit 1' }, 'user asked')).toMatchObject({
      status: 'cancelled',
    });
    expect(rowForOutcome({ type: 'terminated', message: 'did not stop within 5000 ms' }, 'user asked')).toMatchObject({
      status: 'cancelled',
      message: 'cancelled: user asked (did not stop within 5000 ms)',
    });
    expect(registrationFailedRow(new DomainError('CONFLICT', 'name taken'))).toMatchObject({ error: { code: 'CONFLICT' } });
    expect(registrationFailedRow(new Error('disk full'))).toMatchObject({ error: { code: 'REGISTRATION_FAILED', message: 'disk full' } });
  });
});

describe('staging folder', () => {
  it('knows which operation a staged or half-written folder belongs to and removes both', () => {
    expect(operationIdOf('op_20260101120000_ab12cd')).toBe('op_20260101120000_ab12cd');
    expect(operationIdOf('.tmp-op_20260101120000_ab12cd-0badf00d')).toBe('op_20260101120000_ab12cd');
    expect(operationIdOf('notes.txt')).toBeNull();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ty-staging-'));
    const staging = createStaging(dir);
    for (const f of ['op_1_a', '.tmp-op_1_a-0badf00d', 'op_2_b']) fs.mkdirSync(path.join(dir, f));
    expect(staging.remove('op_1_a').map((f) => path.basename(f))).toEqual(expect.arrayContaining(['op_1_a', '.tmp-op_1_a-0badf00d']));
    expect(fs.readdirSync(dir)).toEqual(['op_2_b']);
    expect(createStaging(path.join(dir, 'missing')).list()).toEqual([]);
  });
});
