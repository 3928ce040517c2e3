import type { GateResult, ModelVersion } from '../domain/model-version.js';
import type { BacktestGateThresholds, PromotionGateThresholds, TrainingGateThresholds } from '../domain/gates.js';
import { deflatedSharpe } from './deflated-sharpe.js';

export type { BacktestGateThresholds, PromotionGateThresholds, TrainingGateThresholds };

/**
 * The drift part of the promotion gate: the drift report on bars after the model's training data
 * (the shared rule: drifted features, prediction drift, concept drift), or that there were no such
 * bars, or why it could not run.
 */
export type DriftEvidence =
  | {
      data: string;
      /** Where the judged window starts, e.g. "after 2015-09-30". */
      window: string;
      bars: number;
      features: number;
      drifted: string[];
      prediction_drift: boolean;
      concept_drift: boolean;
      action_required: boolean;
    }
  | { no_recent_data: string }
  | { error: string };

export interface ApprovalEvidence {
  required: boolean;
  approval: { approved_by: string; at: string; reason: string } | null;
}

type Check = GateResult['checks'][number];
type Fmt = (v: number) => string;
const pct: Fmt = (v) => `${(v * 100).toFixed(0)}%`;
const dec: Fmt = (v) => v.toFixed(3);

function atLeast(name: string, value: number | undefined, min: number, fmt: Fmt, failCode: string): Check {
  if (value === undefined || !Number.isFinite(value))
    return { name, passed: false, value: null, threshold: min, reason: `${name}_missing (no ${name} recorded)` };
  const passed = value >= min;
  return {
    name,
    passed,
    value,
    threshold: min,
    reason: passed ? `${name}_ok (${fmt(value)} >= ${fmt(min)})` : `${failCode} (${fmt(value)} < ${fmt(min)})`,
  };
}

function atMost(name: string, value: number | undefined, max: number, fmt: Fmt, failCode: string, strict = false): Check {
  if (value === undefined || !Number.isFinite(value))
    return { name, passed: false, value: null, threshold: max, reason: `${name}_missing (no ${name} recorded)` };
  const passed = strict ? value < max : value <= max;
  return {
    name,
    passed,
    value,
    threshold: max,
    reason: passed
      ? `${name}_ok (${fmt(value)} ${strict ? '<' : '<='} ${fmt(max)})`
      : `${failCode} (${fmt(value)} ${strict ? '>=' : '>'} ${fmt(max)})`,
  };
}

const result = (gate: string, checks: Check[], now: Date): GateResult => ({
  gate,
  passed: checks.every((c) => c.passed),
  checks,
  evaluated_at: now.toISOString(),
});

/** A statistic with its one-sided test, as the training job records it (test_metrics.significance). */
interface Evidence {
  value: number;
  z: number;
  p_value: number;
  n_eff: number;
  ci_low: number;
  ci_high: number;
}

const pts: Fmt = (v) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} pts`;
const nats: Fmt = (v) => `${v >= 0 ? '+' : ''}${v.toFixed(4)} nats`;

/**
 * A statistical check: the value must reach the minimum effect AND be significant (one-sided
 * p <= maxP on the effective sample size), so a large edge on a handful of effective samples and a
 * significant but negligible one both fail.
 */
function evidenceCheck(
  name: string,
  ev: Evidence | undefined,
  min: number,
  maxP: number | null,
  fmt: Fmt,
  codes: { small: string; insignificant: string },
): Check {
  if (!ev || !Number.isFinite(ev.value))
    return {
      name,
      passed: false,
      value: null,
      threshold: min,
      reason: `${name}_missing (no significance recorded: the model was trained before trainyard recorded it; retrain it, or set gates.training_preset: model_trainer_spec)`,
    };
  const stats = { p_value: ev.p_value, z: ev.z, n_eff: ev.n_eff, ci_low: ev.ci_low, ci_high: ev.ci_high };
  const detail = `z ${Number.isFinite(ev.z) ? ev.z.toFixed(2) : 'n/a'}, p ${ev.p_value.toPrecision(2)} on ${ev.n_eff.toFixed(0)} effective samples; 95% CI ${fmt(ev.ci_low)} .. ${fmt(ev.ci_high)}`;
  const check = (passed: boolean, reason: string): Check => ({ name, passed, value: ev.value, threshold: min, ...stats, reason });
  if (ev.value < min) return check(false, `${codes.small} (${fmt(ev.value)} < ${fmt(min)}; ${detail})`);
  if (maxP !== null && !(ev.p_value <= maxP))
    return check(
      false,
      `${codes.insignificant} (${fmt(ev.value)} but p ${ev.p_value.toPrecision(2)} > ${maxP}: could be chance; ${detail})`,
    );
  return check(
    true,
    `${name}_ok (${fmt(ev.value)} >= ${fmt(min)}${maxP !== null ? `, p ${ev.p_value.toPrecision(2)} <= ${maxP}` : ''}; ${detail})`,
  );
}

/**
 * The training gate, judged against what the labels allow: the edge over always predicting the
 * training majority class, and the log-loss improvement over predicting the training class
 * frequencies, each with a minimum effect and a one-sided test on an effective sample size (see
 * monitoring/validation/evidence.ts). The absolute checks (accuracy, test loss, loss decrease) run
 * only when their thresholds are set (the model_trainer_spec preset).
 */
export function trainingGate(model: ModelVersion, t: TrainingGateThresholds, now: Date): GateResult {
  const test = model.metrics.test as Record<string, unknown>;
  const num = (k: string) => (typeof test[k] === 'number' ? (test[k] as number) : undefined);
  const training = model.metrics.training as Record<string, number | undefined>;
  const sig = (test['significance'] as { direction?: { edge?: Evidence; log_loss_improvement?: Evidence } } | undefined)?.direction;
  const acc = num('accuracy');
  const base = num('baseline_accuracy');
  const checks: Check[] = [];
  if (t.max_p_value === null) {
    const edge = acc !== undefined && base !== undefined ? acc - base : undefined;
    checks.push(atLeast('edge_over_baseline', edge, t.min_edge_over_baseline, pts, 'no_edge_over_majority_baseline'));
  } else {
    checks.push(
      evidenceCheck('edge_over_baseline', sig?.edge, t.min_edge_over_baseline, t.max_p_value, pts, {
        small: 'no_edge_over_majority_baseline',
        insignificant: 'edge_not_significant',
      }),
    );
  }
  if (t.min_log_loss_improvement !== null)
    checks.push(
      evidenceCheck('log_loss_improvement', sig?.log_loss_improvement, t.min_log_loss_improvement, t.max_p_value, nats, {
        small: 'no_log_loss_improvement_over_label_prior',
        insignificant: 'log_loss_improvement_not_significant',
      }),
    );
  // Either statistical check may show the edge (see require_all_evidence); the other is then reported, not required.
  if (!t.require_all_evidence && checks.length === 2 && checks.some((c) => c.passed)) {
    const shown = checks.find((c) => c.passed)!.name;
    for (const c of checks)
      if (!c.passed && c.value !== null)
        Object.assign(c, { passed: true, reason: `${c.name}_not_required (${c.reason}; ${shown} shows the edge)` });
  }
  if (t.min_accuracy !== null) checks.push(atLeast('accuracy', acc, t.min_accuracy, pct, 'accuracy_below_threshold'));
  if (t.max_test_loss !== null) checks.push(atMost('test_loss', num('loss'), t.max_test_loss, dec, 'test_loss_above_threshold', true));
  if (t.min_loss_decrease !== null)
    checks.push(atLeast('loss_decrease', training['loss_decrease'], t.min_loss_decrease, pct, 'loss_decrease_below_threshold'));
  return result('training', checks, now);
}

function oos(model: ModelVersion): Record<string, number | undefined> {
  return ((model.metrics.backtest as { strategy?: Record<string, number> } | undefined)?.strategy ?? {}) as Record<
    string,
    number | undefined
  >;
}

/** The Sharpe check, with its block-bootstrap 95% interval when the backtest recorded one. */
function sharpeCheck(b: Record<string, number | undefined>, min: number): Check {
  const c = atLeast('sharpe', b['sharpe'], min, (v) => v.toFixed(2), 'sharpe_below_threshold');
  const lo = b['sharpe_ci_low'];
  const hi = b['sharpe_ci_high'];
  if (lo === undefined || hi === undefined || !Number.isFinite(lo) || !Number.isFinite(hi)) return c;
  return { ...c, ci_low: lo, ci_high: hi, reason: c.reason.replace(/\)$/, `; 95% CI ${lo.toFixed(2)} .. ${hi.toFixed(2)})`) };
}

/** The backtest gate on the model's out-of-sample backtest: win rate, drawdown, Sharpe, trade count. */
export function backtestGate(model: ModelVersion, t: BacktestGateThresholds, now: Date): GateResult {
  const b = oos(model);
  return result(
    'backtest',
    [
      atLeast('win_rate', b['win_rate'], t.min_win_rate, pct, 'win_rate_below_threshold'),
      atMost('max_drawdown', b['max_drawdown'], t.max_drawdown, pct, 'drawdown_above_threshold'),
      sharpeCheck(b, t.min_sharpe),
      atLeast('trade_count', b['trade_count'], t.min_trades, (v) => v.toFixed(0), 'too_few_trades'),
    ],
    now,
  );
}

/** Passes when at most `max` features drifted and neither the predictions nor the accuracy did. */
function driftCheck(d: DriftEvidence, max: number): Check {
  if ('error' in d) return { name: 'feature_drift', passed: false, value: null, threshold: max, reason: `drift_unchecked (${d.error})` };
  if ('no_recent_data' in d)
    return { name: 'feature_drift', passed: false, value: null, threshold: max, reason: `no_recent_data (${d.no_recent_data})` };
  const n = d.drifted.length;
  const where = `on ${d.bars} bars of ${d.data} ${d.window}`;
  const also = [d.prediction_drift ? 'prediction drift' : '', d.concept_drift ? 'concept drift' : ''].filter(Boolean);
  if (n <= max && also.length === 0)
    return {
      name: 'feature_drift',
      passed: true,
      value: n,
      threshold: max,
      reason: `feature_drift_ok (${n} of ${d.features} features drifted ${where}; predictions and accuracy stable)`,
    };
  const features = n > max ? `${n} > ${max} features drifted: ${d.drifted.slice(0, 5).join(', ')}${n > 5 ? ', ...' : ''}` : '';
  return {
    name: 'feature_drift',
    passed: false,
    value: n,
    threshold: max,
    reason: `${n > max ? 'features_drifted' : 'predictions_drifted'} (${[features, ...also].filter(Boolean).join('; ')} ${where})`,
  };
}

function approvalCheck(model: ModelVersion, a: ApprovalEvidence): Check {
  return a.approval
    ? {
        name: 'human_approval',
        passed: true,
        value: 1,
        threshold: 1,
        reason: `human_approval_ok (approved by ${a.approval.approved_by} at ${a.approval.at}: ${a.approval.reason})`,
      }
    : {
        name: 'human_approval',
        passed: false,
        value: 0,
        threshold: 1,
        reason: `human_approval_missing (config requires a person's approval: trainyard models approve ${model.model_id} --reason "...")`,
      };
}

/**
 * The promotion gate (for production): the backtest gate, non-inferiority against the current
 * production version of the same name, the deflated Sharpe ratio over every trial made for this
 * name or research program (so trying more strategies makes promotion harder), no drift (the
 * drift report's rule) on bars after the model's training data, and a person's approval when config asks for one.
 */
export function promotionGate(
  model: ModelVersion,
  ctx: {
    production: ModelVersion | null;
    /** Every trial that counts for this name or research program (gate-rejected ones included). */
    trials: ModelVersion[];
    /** Validation Sharpe ratios (per bar) of tuning trials that count against this model (every configuration tried). */
    tuningSharpes?: readonly number[] | undefined;
    backtest: BacktestGateThresholds;
    promotion: PromotionGateThresholds;
    drift: DriftEvidence;
    approval: ApprovalEvidence;
  },
  now: Date,
): GateResult {
  const checks = [...backtestGate(model, ctx.backtest, now).checks];
  const b = oos(model);
  const prod = ctx.production && ctx.production.model_id !== model.model_id ? oos(ctx.production)['sharpe'] : undefined;
  if (prod === undefined) {
    checks.push({
      name: 'non_inferiority',
      passed: true,
      value: b['sharpe'] ?? null,
      threshold: null,
      reason: 'non_inferiority_not_applicable (no other production version of this name)',
    });
  } else {
    // With a losing production model, "0.9 x" would lower the bar below it; require at least as good then.
    const bar = prod > 0 ? ctx.promotion.non_inferiority * prod : prod;
    checks.push(atLeast('non_inferiority', b['sharpe'], bar, (v) => v.toFixed(2), `worse_than_production_${ctx.production!.model_id}`));
  }
  const trialSharpes = ctx.trials.map((m) => oos(m)['sharpe_per_period']).filter((v): v is number => v !== undefined && Number.isFinite(v));
  for (const s of ctx.tuningSharpes ?? []) if (Number.isFinite(s)) trialSharpes.push(s);
  if (b['sharpe_per_period'] === undefined) {
    checks.push({
      name: 'deflated_sharpe',
      passed: false,
      value: null,
      threshold: ctx.promotion.min_deflated_sharpe,
      reason: 'deflated_sharpe_missing (no backtest recorded)',
    });
  } else {
    const d = deflatedSharpe({
      sharpe: b['sharpe_per_period'],
      observations: b['bars'] ?? 0,
      skew: b['skew'] ?? 0,
      kurtosis: b['kurtosis'] ?? 3,
      trialSharpes: trialSharpes.length ? trialSharpes : [b['sharpe_per_period']],
    });
    const c = atLeast('deflated_sharpe', d.dsr, ctx.promotion.min_deflated_sharpe, dec, 'deflated_sharpe_below_threshold');
    checks.push({ ...c, reason: `${c.reason} over ${d.trials} trial${d.trials === 1 ? '' : 's'}` });
  }
  checks.push(driftCheck(ctx.drift, ctx.promotion.max_drifted_features));
  if (ctx.approval.required) checks.push(approvalCheck(model, ctx.approval));
  return result('promotion', checks, now);
}
