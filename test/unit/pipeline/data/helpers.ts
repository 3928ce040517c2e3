import { expect } from 'vitest';
import { DomainError } from '../../../../src/domain/errors.js';

/** Runs fn, asserts it throws a DomainError with `code`, and returns the error. */
export function catchDomainError(fn: () => unknown, code: DomainError['code']): DomainError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    const e = err as DomainError;
    expect(e.code).toBe(code);
    return e;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}

export async function rejectsDomainError(promise: Promise<unknown>, code: DomainError['code']): Promise<DomainError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    const e = err as DomainError;
    expect(e.code).toBe(code);
    return e;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}

export const iso = (ms: number | undefined): string => new Date(ms ?? Number.NaN).toISOString();
