import { DomainError } from '../../domain/errors.js';

export interface DataProblem {
  /** 1-based line as a text editor shows it; the header is line 1. */
  line: number;
  /** Header name of the column at fault, or null when the whole row/file is. */
  column: string | null;
  message: string;
}

/** How many problems one error lists: enough to see a pattern, short enough to read. */
export const MAX_LISTED_PROBLEMS = 10;

const FIX_HINT = 'Fix or delete these rows (line numbers count the header as line 1) and load the file again.';

/** Collects data problems across a file so the user sees several at once, not one per attempt. */
export interface ProblemList {
  add(line: number, column: string | null, message: string): void;
  readonly count: number;
  /** Throws the INVALID_DATA error when at least one problem was added. */
  throwIfAny(): void;
}

export function createProblemList(file: string): ProblemList {
  const listed: DataProblem[] = [];
  let count = 0;
  return {
    add(line, column, message) {
      count++;
      if (listed.length < MAX_LISTED_PROBLEMS) listed.push({ line, column, message });
    },
    get count() {
      return count;
    },
    throwIfAny() {
      if (count > 0) throw dataError(file, listed, count);
    },
  };
}

/** One problem: `file line N: problem. hint`; several: a count, one line each, then the hint. */
export function dataError(file: string, problems: readonly DataProblem[], total = problems.length, hint = FIX_HINT): DomainError {
  const first = problems[0] ?? { line: 1, column: null, message: 'unknown problem' };
  const data = {
    file,
    line: first.line,
    column: first.column,
    problems: problems.map((p) => ({ ...p })),
    total,
  };
  if (total === 1) return new DomainError('INVALID_DATA', `${file} line ${first.line}: ${first.message}.${hint ? ` ${hint}` : ''}`, data);
  const lines = problems.map((p) => `  line ${p.line}: ${p.message}`);
  if (total > problems.length) lines.push(`  ... and ${total - problems.length} more`);
  return new DomainError('INVALID_DATA', [`${file}: ${total} problems`, ...lines, ...(hint ? [hint] : [])].join('\n'), data);
}
