import type { FileAccess } from '../config/access.js';
import type { Config } from '../config/schema.js';
import type { LimitChecks } from './limits.js';
import type { DataDescription } from '../domain/data-description.js';
import type { TaskRunner } from '../jobs/tasks/task-runner.js';

export interface DescribeDataInput {
  data: string;
  symbols?: string[] | undefined;
  from?: string | undefined;
  to?: string | undefined;
  timeframe?: string | undefined;
  /** First bars shown per symbol. */
  rows?: number | undefined;
}

/** Read-only look at what a data spec loads to, through the same loader training uses. */
export function createDataService(deps: {
  config: Config;
  cwd: string;
  storeFile: string;
  limits?: LimitChecks | undefined;
  tasks: TaskRunner;
}) {
  return {
    /** `access`: which files the caller may name (an MCP client's roots); default: any (CLI). */
    async describe(input: DescribeDataInput, access?: FileAccess): Promise<DataDescription> {
      deps.limits?.dataSpec(input.data);
      // Parsing a large CSV and summarising it runs in the task worker.
      return deps.tasks.run({
        kind: 'describe_data',
        spec: input.data,
        rows: input.rows,
        load: {
          access,
          symbols: input.symbols,
          from: input.from,
          to: input.to,
          timeframe: input.timeframe,
          cwd: deps.cwd,
          dataDir: deps.config.data_dir,
          storeFile: deps.storeFile,
        },
      });
    },
  };
}

export type DataService = ReturnType<typeof createDataService>;
