import { z } from 'zod';
import { indicatorCatalog, indicatorTypes } from '../../domain/indicators.js';
import type { Strategy } from '../../domain/strategy.js';
import { parseStrategy } from '../../pipeline/strategy-source.js';
import { cellKey, coverage, type Cell } from '../coverage.js';
import type { DataSummary, ExperimentSummary, JournalSummary } from '../types.js';
import { fence } from './fence.js';

/**
 * What the Claude providers tell the model about the world, compactly (every token is paid for).
 * Figures we computed go out as they are; text we did not write (hypotheses, rationales, strategy
 * YAML, file names) goes out fenced.
 */

export function num(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'n/a';
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : Number(v.toPrecision(4)).toString();
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/** Every indicator with its parameters (type and default), outputs and docs. */
export function renderIndicators(): string {
  const lines = [
    'Indicators (type: params with defaults -> outputs; refer to an output as "<id>" when there is one, else "<id>.<output>"):',
  ];
  for (const type of indicatorTypes) {
    const entry = indicatorCatalog[type];
    const defaults = entry.params.parse({}) as Record<string, unknown>;
    const params = Object.entries(entry.params.shape as Record<string, z.ZodType>)
      .map(([name, schema]) => `${name} (${paramKind(schema)}, default ${JSON.stringify(defaults[name])})`)
      .join(', ');
    lines.push(`- ${type}: ${params} -> ${entry.outputs.join(', ')}. ${entry.docs}`);
  }
  return lines.join('\n');
}

function paramKind(schema: z.ZodType): string {
  const json = z.toJSONSchema(schema, { io: 'input' }) as { type?: string; minimum?: number; maximum?: number; exclusiveMinimum?: number };
  const low =
    json.minimum !== undefined ? String(json.minimum) : json.exclusiveMinimum !== undefined ? `>${json.exclusiveMinimum}` : undefined;
  const range =
    low !== undefined && json.maximum !== undefined
      ? `${low}..${json.maximum}`
      : low !== undefined
        ? `>= ${low}`
        : json.maximum !== undefined
          ? `<= ${json.maximum}`
          : '';
  return [json.type ?? 'value', range].filter(Boolean).join(' ');
}

/** The data the strategy will be trained on; the spec and symbols come from the user's files. */
export function renderData(data: DataSummary): string {
  return [
    `Bars: ${data.bars} at ${data.timeframe}, from ${data.from} to ${data.to}, ${data.symbols.length} symbol(s).`,
    `Equal-weight buy-and-hold over the whole span: annual return ${pct(data.annual_return)}, annual volatility ${pct(data.annual_volatility)}.`,
    fence('data source', `spec: ${data.spec}\nsymbols: ${data.symbols.join(', ')}`),
  ].join('\n');
}

function experimentLine(e: ExperimentSummary, detail: boolean): string {
  const metrics = Object.entries(e.metrics)
    .map(([k, v]) => `${k}=${num(v)}`)
    .join(' ');
  const lines = [
    `- cycle ${e.cycle_id}: ${e.strategy_name} (hash ${e.strategy_hash.slice(0, 12)}) outcome=${e.outcome} verdict=${e.verdict ?? 'none'}`,
    `  metrics: ${metrics || 'none'}`,
  ];
  if (e.rejection_reasons.length) lines.push(`  rejected: ${e.rejection_reasons.join('; ')}`);
  lines.push(`  hypothesis: ${oneLine(e.hypothesis)}`);
  if (e.rationale) lines.push(`  assessment: ${oneLine(e.rationale)}`);
  if (detail && e.strategy_yaml) lines.push('  strategy_yaml:', indent(e.strategy_yaml.trimEnd(), '    '));
  return lines.join('\n');
}

const oneLine = (s: string, max = 400) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}...` : t || '(none)';
};
const indent = (s: string, pad: string) =>
  s
    .split('\n')
    .map((l) => pad + l)
    .join('\n');

/**
 * The journal: best so far, recent, rejected with reasons. The experiments' free text (earlier
 * model output and strategy names) is fenced as one block; the counts are ours.
 */
export function renderJournal(journal: JournalSummary, opts: { detail?: boolean; limit?: number } = {}): string {
  const limit = opts.limit ?? 5;
  const detail = opts.detail ?? false;
  if (journal.total_trials === 0 && journal.best.length + journal.recent.length + journal.rejected.length === 0) {
    return 'No experiments yet in this research program: this is the first trial.';
  }
  const section = (title: string, list: ExperimentSummary[]) =>
    list.length ? [`${title}:`, ...list.slice(0, limit).map((e) => experimentLine(e, detail))].join('\n') : `${title}: none`;
  const body = [
    section('Best so far', journal.best),
    section('Most recent', journal.recent),
    section('Rejected (with reasons)', journal.rejected),
  ].join('\n\n');
  return [
    `Trials so far in this program: ${journal.total_trials} (every one counts against the deflated Sharpe ratio at promotion).`,
    `Strategy hashes already tried: ${journal.tried_hashes.length}; submitting one of them again is refused.`,
    renderCoverage(journal),
    fence('journal', body),
  ].join('\n');
}

const cellList = (cells: Cell[]) => cells.map(cellKey).join(', ') || 'none';

/**
 * Which cells of the coarse map (label horizon band x feature family x decisions mode) the listed
 * experiments cover, computed by us from their strategies, so the model sees the gaps at a glance.
 */
export function renderCoverage(journal: JournalSummary): string {
  const strategies: Strategy[] = [];
  const seen = new Set<string>();
  for (const e of [...journal.best, ...journal.recent, ...journal.rejected]) {
    if (!e.strategy_yaml || seen.has(e.strategy_yaml)) continue;
    seen.add(e.strategy_yaml);
    try {
      strategies.push(parseStrategy(e.strategy_yaml, e.strategy_name).strategy);
    } catch {
      // an entry that no longer parses covers nothing
    }
  }
  const { covered, missing } = coverage(strategies);
  return [
    `Coverage of the experiments listed (horizon band short 1-2 / medium 3-8 / long 10-20 bars, x feature family returns / oscillator / trend / volatility, x mode):`,
    `  covered: ${cellList(covered)}`,
    `  not yet: ${cellList(missing)}`,
  ].join('\n');
}
