import type { FileAccess } from '../config/access.js';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { DomainError } from '../domain/errors.js';
import type { ModelVersion } from '../domain/model-version.js';
import { writeJsonAtomicAsync } from '../registry/atomic-write.js';
import { createBarStore } from '../registry/bar-store.js';
import type { Registry } from '../registry/index.js';
import { createPredictionStore } from '../registry/predictions.js';
import { ingestBars, type IngestDeps, type IngestInput, type IngestSummary } from './ingest.js';
import { dataSummarySchema, updateModelPerformance, type ModelUpdate } from './performance-update.js';
import type { PerformanceRules } from './performance-evaluate.js';
import { buildReport, type PerformanceReport } from './performance-report.js';

export interface PerformanceDeps {
  registry: Registry;
  home: string;
  dataDir: string;
  cwd: string;
  clock: () => Date;
  logger: Logger;
  rules: PerformanceRules & { gap_factor: number };
  /** Initialises the TensorFlow.js backend (services.backend). */
  backend: () => Promise<unknown>;
  /** Plans and writes an ingest batch off the main thread (the task worker); absent: on this thread. */
  runIngest?: IngestDeps['run'];
  /** Updates one production model off the main thread (the task worker); absent: on this thread. */
  runUpdate?: ((model: ModelVersion, rules: PerformanceRules) => Promise<ModelUpdate | null>) | undefined;
}

export { modelUpdateSchema, type ModelUpdate } from './performance-update.js';

/**
 * Ingestion and production performance monitoring over the registry database: `ingest.*` stores
 * new bars, `performance.*` scores them with each production model, records outcomes once the
 * label horizon has passed, evaluates the rolling metrics and mirrors them to
 * <home>/training/performance_monitoring.json.
 */
export function createMonitoringServices(deps: PerformanceDeps) {
  const { registry, clock, logger, rules } = deps;
  const bars = createBarStore(registry.db, clock);
  const predictions = createPredictionStore(registry.db, clock);
  const mirrorFile = path.join(deps.home, 'training', 'performance_monitoring.json');
  let writing: Promise<void> = Promise.resolve();

  function report(model: ModelVersion): PerformanceReport {
    return buildReport(model, predictions.evaluations(model.model_id), predictions.counts(model.model_id), rules);
  }

  function production(): ModelVersion[] {
    return registry.models.list({ stage: 'production', limit: 10_000 });
  }

  /** Rewrites the mirror file (one entry per production model); a failed write is logged, never fatal. */
  function writeMirror(): Promise<void> {
    const value = { updated_at: clock().toISOString(), models: production().map(report) };
    writing = writing.then(() =>
      writeJsonAtomicAsync(mirrorFile, value).catch((err: unknown) => logger.warn({ err }, 'performance mirror failed')),
    );
    return writing;
  }

  /** One model's update (performance-update.ts): in the task worker when `deps.runUpdate` says so. */
  function updateModel(model: ModelVersion): Promise<ModelUpdate | null> {
    if (deps.runUpdate) return deps.runUpdate(model, rules);
    return updateModelPerformance(registry.db, model, { storeFile: registry.file, rules, now: clock(), initBackend: deps.backend });
  }

  /**
   * Scores unscored stored bars with the production models (of `names`, or all), records due
   * outcomes, evaluates, mirrors. A model that cannot be updated is reported, not fatal.
   */
  async function update(names?: readonly string[]): Promise<{ updated: ModelUpdate[]; skipped: { model_id: string; reason: string }[] }> {
    const models = production().filter((m) => !names || names.includes(m.name));
    const updated: ModelUpdate[] = [];
    const skipped: { model_id: string; reason: string }[] = [];
    for (const m of models) {
      try {
        const u = await updateModel(m);
        if (u) updated.push(u);
        else skipped.push({ model_id: m.model_id, reason: 'none of its symbols has ingested bars' });
      } catch (err) {
        logger.warn({ err, model_id: m.model_id }, 'performance update failed');
        skipped.push({ model_id: m.model_id, reason: err instanceof DomainError ? err.message : 'internal error (see the server log)' });
      }
    }
    await writeMirror();
    return { updated, skipped };
  }

  const ingest = {
    /** Stores a batch (see ingestBars), then updates the production models trading its symbols. */
    /** `access`: which files the caller may name in `input.data` (an MCP client's roots); default: any (CLI). */
    async ingest(
      input: IngestInput,
      actor: string,
      access?: FileAccess,
    ): Promise<IngestSummary & { monitoring: Awaited<ReturnType<typeof update>> }> {
      const summary = await ingestBars(
        {
          bars,
          dataDir: deps.dataDir,
          cwd: deps.cwd,
          access,
          gapFactor: rules.gap_factor,
          run: deps.runIngest,
          audit: (action, target, args, error) => registry.audit.append(actor, action, target, args, error),
        },
        input,
        actor,
      );
      for (const s of summary.symbols) if (s.replaced > 0 && s.first) predictions.invalidate(s.symbol, Date.parse(s.first));
      const symbols = new Set(summary.symbols.filter((s) => s.added + s.replaced > 0).map((s) => s.symbol));
      const names = production()
        .filter((m) => modelSymbols(m).some((s) => symbols.has(s)))
        .map((m) => m.name);
      const monitoring = names.length ? await update(names) : { updated: [], skipped: [] };
      return { ...summary, monitoring };
    },
    /** Stored bars with a bar time after `iso`, per symbol (every stored symbol when `symbols` is empty). */
    newBarsSince(symbols: readonly string[], iso: string): Record<string, number> {
      const ms = Date.parse(iso);
      if (Number.isNaN(ms)) throw new DomainError('INVALID_ARGUMENT', `"${iso}" is not an ISO date or date-time.`);
      return bars.countAfter(symbols, ms);
    },
    batches: (limit?: number) => bars.batches(limit),
    timeframeOf: (symbol: string) => bars.timeframeOf(symbol),
  };

  /** Symbols a model version was trained on (its result.json; the registry row does not list them). */
  function modelSymbols(m: ModelVersion): string[] {
    try {
      return dataSummarySchema.parse(readResult(m)['data_summary']).symbols;
    } catch {
      return [];
    }
  }

  const performance = {
    update,
    /** Reports of the production models (default), of one name's production model, or of one version. */
    report(filter: { model_id?: string | undefined; name?: string | undefined } = {}): PerformanceReport[] {
      if (filter.model_id) return [report(registry.models.get(filter.model_id))];
      if (filter.name) {
        const m = registry.models.production(filter.name);
        if (!m) {
          throw new DomainError(
            'MODEL_NOT_FOUND',
            `No production version of "${filter.name}". Promote one (promote_model) or pass model_id.`,
            {
              name: filter.name,
            },
          );
        }
        return [report(m)];
      }
      return production().map(report);
    },
    /** The production model of `name`: degraded metrics, since when, and whether retraining is recommended; null without one. */
    status(name: string): PerformanceReport | null {
      const m = registry.models.production(name);
      return m ? report(m) : null;
    },
    /** Stored evaluations of one version, newest first (the live performance chart). */
    history: (modelId: string, limit = 400) => predictions.evaluations(registry.models.get(modelId).model_id, limit),
    flush: () => writing,
  };

  return { ingest, performance };
}

function readResult(m: ModelVersion): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(m.artifact_path, 'result.json'), 'utf8')) as Record<string, unknown>;
}

export type MonitoringServices = ReturnType<typeof createMonitoringServices>;
