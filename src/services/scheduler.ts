import type { TriggersConfig } from '../config/schema.js';
import { createScheduler, type PerformanceProvider, type SchedulerDecision, type Timer } from '../monitoring/scheduler.js';
import type { Services } from './index.js';
import { createSchedulerLock } from './scheduler-lock.js';

export interface SchedulerWiring {
  /** Days in a row a name's production model has been degraded; performance monitoring's by default. */
  performance?: PerformanceProvider | undefined;
  timer?: Timer | undefined;
  /** Defaults to the services' clock. */
  clock?: (() => Date) | undefined;
  onDecisions?: ((d: SchedulerDecision[]) => void) | undefined;
  /** Overrides of config `triggers` (e.g. `trainyard watch --interval`). */
  triggers?: Partial<TriggersConfig> | undefined;
  /** Who holds the scheduler lock, as the second scheduler is told (e.g. "trainyard watch"). */
  command?: string | undefined;
}

/**
 * The retraining scheduler over the shared services (used by `trainyard watch` and `serve`). It
 * holds the state folder's scheduler lock from its first check (`start` or `tick`) until `stop`:
 * a second scheduler on the same folder gets a CONFLICT naming the first.
 */
export function schedulerFor(services: Services, w: SchedulerWiring = {}) {
  const lock = createSchedulerLock(services.config.home, w.command ?? 'trainyard');
  const inner = innerScheduler(services, w);
  return {
    ...inner,
    lockFile: lock.file,
    start(): void {
      lock.acquire();
      inner.start();
    },
    tick(): ReturnType<typeof inner.tick> {
      lock.acquire();
      return inner.tick();
    },
    async stop(): Promise<void> {
      try {
        await inner.stop();
      } finally {
        lock.release();
      }
    },
  };
}

function innerScheduler(services: Services, w: SchedulerWiring) {
  const cfg: TriggersConfig = { ...services.config.triggers, ...w.triggers };
  return createScheduler({
    registry: services.registry,
    training: services.training,
    jobs: services.jobs,
    config: cfg,
    gates: services.config.gates,
    observe: (model, data) =>
      // Loading the current data and the drift check run in the task worker.
      services.tasks.run({
        kind: 'observe_model',
        model,
        backend: { preference: services.config.backend, wasmThreads: services.config.wasm_threads },
        options: {
          data,
          dataDir: services.config.data_dir,
          storeFile: services.registry.file,
          drift: cfg.drift_psi !== null,
          // The rule of `trainyard drift` and the promotion gate; drift_psi only raises the PSI floor.
          thresholds: { ...services.config.drift, psi_drift: Math.max(services.config.drift.psi_drift, cfg.drift_psi ?? 0) },
          recentBars: services.config.drift.recent_bars,
          newData: cfg.new_data_bars !== null,
          volatility: cfg.max_volatility !== null,
          volatilityWindow: cfg.volatility_window_bars,
        },
      }),
    performance:
      w.performance ??
      ((name) => {
        const report = services.performance.status(name);
        return report ? { degraded_days: report.degraded_days } : null;
      }),
    clock: w.clock ?? services.clock,
    timer: w.timer,
    logger: services.logger,
    alerts: services.alerts,
    onDecisions: w.onDecisions,
    onPromoted: () => services.mirror.touch(),
  });
}
