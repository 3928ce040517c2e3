import { DomainError } from '../../domain/errors.js';
import { sharpeStandardError } from '../../monitoring/deflated-sharpe.js';
import { assessmentSchema, NO_USAGE, type Assessment, type AssessmentRequest, type Assessor, type Verdict } from '../types.js';
import { nextHypotheses } from './offline-next.js';

/**
 * The rule-based offline assessor. It reads the same figures the Claude assessor gets and applies
 * these rules, first match wins:
 *
 * 1. strong_signal: the cycle passed both gates, test accuracy beats the majority baseline by at
 *    least MIN_EDGE, the OOS Sharpe beats buy-and-hold, and the per-bar Sharpe is significant:
 *    z = SR / SE with Lo's (2002) SE = sqrt((1 + SR^2 / 2) / n) at least max(1.96, sqrt(2 ln N)),
 *    N the trials of the program (the expected best z of N noise strategies), so more trials
 *    need more evidence.
 * 2. overfit: validation accuracy exceeds test accuracy by more than two standard errors of the
 *    difference (at least OVERFIT_GAP_FLOOR), or the training gate failed with no edge while the
 *    in-sample loss fell by STRONG_LOSS_DECREASE or more.
 * 3. no_signal: the edge over the baseline is below MIN_EDGE, or the OOS Sharpe does not beat
 *    buy-and-hold, or its z is below Z_MARGINAL (indistinguishable from zero).
 * 4. weak_signal: the rest: it beats the baseline but a gate failed, the backtest was not reached,
 *    or the Sharpe's significance is marginal.
 */

/** The training gate's default min_edge_over_baseline (config/schema.ts): the same bar here. */
export const MIN_EDGE = 0.02;
/** The smallest validation-test accuracy gap read as overfitting, whatever the sample size. */
export const OVERFIT_GAP_FLOOR = 0.05;
/** Gap used when the test size is unknown: 2 x sqrt(2) x the SE of a 45% accuracy on ~250 rows. */
export const OVERFIT_GAP_DEFAULT = 0.09;
/** Standard errors of the difference between validation and test accuracy that count as a real gap. */
export const OVERFIT_SE_MULTIPLE = 2;
/** In-sample loss falling by half or more while nothing generalises is memorisation. */
export const STRONG_LOSS_DECREASE = 0.5;
/** 5% two-sided normal critical value: the conventional bar for a significant Sharpe ratio. */
export const Z_SIGNIFICANT = 1.96;
/** One standard error: below it the Sharpe cannot be told from zero. */
export const Z_MARGINAL = 1;

export interface SharpeTest {
  sharpe: number;
  bars: number;
  se: number;
  z: number;
}

/** Lo (2002): SE of a per-period Sharpe ratio estimated from n iid returns. */
export function sharpeTest(sharpePerPeriod: number, bars: number): SharpeTest {
  const se = sharpeStandardError(sharpePerPeriod, bars);
  return { sharpe: sharpePerPeriod, bars, se, z: sharpePerPeriod / se };
}

/** The z the best of N independent noise strategies reaches on average (about sqrt(2 ln N)). */
export function strongZ(trials: number): number {
  return Math.max(Z_SIGNIFICANT, Math.sqrt(2 * Math.log(Math.max(1, trials))));
}

/** The in-sample loss decrease the training gate reported, e.g. "loss_decrease_ok (45% >= 20%)". */
export function lossDecrease(request: AssessmentRequest): number | undefined {
  for (const g of request.gates) {
    for (const r of g.reasons) {
      const m = /loss_decrease_\w+ \((-?[\d.]+)%/.exec(r);
      if (m) return Number(m[1]) / 100;
    }
  }
  return undefined;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (r: Record<string, number> | undefined, k: string) => {
  const v = r?.[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};

export interface Evidence {
  edge: number | undefined;
  overfitGap: number | undefined;
  gapBar: number;
  sharpe: SharpeTest | undefined;
  strategySharpe: number | undefined;
  holdSharpe: number | undefined;
  zStrong: number;
  lossDecrease: number | undefined;
  failedGates: string[];
}

export function gatherEvidence(request: AssessmentRequest): Evidence {
  const t = request.training;
  const s = request.backtest?.strategy;
  const bars = num(s, 'bars');
  const spp = num(s, 'sharpe_per_period');
  // The training gate's edge: directional accuracy over the majority direction, when recorded.
  const edge = t ? (t.direction_edge ?? t.test_accuracy - t.baseline_accuracy) : undefined;
  const p = t ? Math.min(0.99, Math.max(0.01, t.test_accuracy)) : 0.45;
  const gapBar =
    bars !== undefined && bars > 0
      ? Math.max(OVERFIT_GAP_FLOOR, OVERFIT_SE_MULTIPLE * Math.SQRT2 * Math.sqrt((p * (1 - p)) / bars))
      : OVERFIT_GAP_DEFAULT;
  return {
    edge,
    overfitGap: t ? t.validation_accuracy - t.test_accuracy : undefined,
    gapBar,
    sharpe: spp !== undefined && bars !== undefined ? sharpeTest(spp, bars) : undefined,
    strategySharpe: num(s, 'sharpe'),
    holdSharpe: num(request.backtest?.buy_and_hold, 'sharpe'),
    zStrong: strongZ(request.journal.total_trials),
    lossDecrease: lossDecrease(request),
    failedGates: request.gates
      .filter((g) => !g.passed)
      .flatMap((g) => g.reasons.filter((r) => !/_ok \(/.test(r)).map((r) => `${g.gate}: ${r}`)),
  };
}

export function verdictOf(request: AssessmentRequest, e: Evidence): { verdict: Verdict; why: string } {
  const allPassed = request.outcome === 'done' && request.gates.length > 0 && request.gates.every((g) => g.passed);
  const beatsHold = e.strategySharpe !== undefined && (e.holdSharpe === undefined || e.strategySharpe > e.holdSharpe);
  const edgeOk = e.edge !== undefined && e.edge >= MIN_EDGE;
  if (allPassed && edgeOk && beatsHold && e.sharpe && e.sharpe.z >= e.zStrong) {
    return {
      verdict: 'strong_signal',
      why: `both gates passed, the edge is at least ${pct(MIN_EDGE)} and the Sharpe z clears ${e.zStrong.toFixed(2)}`,
    };
  }
  if (e.overfitGap !== undefined && e.overfitGap > e.gapBar) {
    return {
      verdict: 'overfit',
      why: `validation accuracy is ${pct(e.overfitGap)} above test accuracy (more than ${pct(e.gapBar)}, two standard errors)`,
    };
  }
  const trainingFailed = request.gates.some((g) => g.gate === 'training' && !g.passed);
  if (trainingFailed && !edgeOk && e.lossDecrease !== undefined && e.lossDecrease >= STRONG_LOSS_DECREASE) {
    return {
      verdict: 'overfit',
      why: `the in-sample loss fell ${pct(e.lossDecrease)} yet the training gate failed with no out-of-sample edge`,
    };
  }
  if (!edgeOk)
    return {
      verdict: 'no_signal',
      why: `the ${request.training?.direction_edge !== undefined ? 'directional edge' : 'test accuracy'} does not beat the majority baseline by ${(MIN_EDGE * 100).toFixed(1)} pts`,
    };
  if (request.backtest && !beatsHold) return { verdict: 'no_signal', why: 'the out-of-sample Sharpe does not beat buy-and-hold' };
  if (e.sharpe && e.sharpe.z < Z_MARGINAL)
    return { verdict: 'no_signal', why: `the Sharpe's z is below ${Z_MARGINAL}: indistinguishable from zero` };
  const because = !allPassed
    ? 'a gate failed'
    : !e.sharpe
      ? 'no backtest significance could be computed'
      : `the Sharpe's z is below ${e.zStrong.toFixed(2)}`;
  return { verdict: 'weak_signal', why: `it beats the baseline but ${because}` };
}

function rationale(request: AssessmentRequest, e: Evidence, verdict: Verdict, why: string): string {
  const parts: string[] = [];
  const t = request.training;
  if (t) {
    parts.push(
      `Test accuracy ${pct(t.test_accuracy)} vs majority baseline ${pct(t.baseline_accuracy)}; ${t.direction_edge !== undefined ? 'directional ' : ''}edge ${((e.edge ?? 0) * 100).toFixed(1)} pts${t.direction_edge_p !== undefined ? ` (p ${t.direction_edge_p.toPrecision(2)})` : ''}, bar ${(MIN_EDGE * 100).toFixed(1)}; validation accuracy ${pct(t.validation_accuracy)}; test loss ${t.test_loss.toFixed(3)} after ${t.epochs_run} epochs${e.lossDecrease !== undefined ? `; in-sample loss fell ${pct(e.lossDecrease)}` : ''}.`,
    );
  } else {
    parts.push('No training figures were recorded.');
  }
  if (request.backtest) {
    const sh = e.sharpe;
    parts.push(
      `OOS Sharpe ${e.strategySharpe?.toFixed(2) ?? 'n/a'} vs buy-and-hold ${e.holdSharpe?.toFixed(2) ?? 'n/a'}` +
        (sh
          ? `; per-bar Sharpe ${sh.sharpe.toFixed(4)} over ${sh.bars} bars, Lo (2002) SE ${sh.se.toFixed(4)}, z ${sh.z.toFixed(2)} (strong needs ${e.zStrong.toFixed(2)} after ${request.journal.total_trials} trials).`
          : '.'),
    );
  } else {
    parts.push('The backtest was not reached.');
  }
  parts.push(
    e.failedGates.length
      ? `Failed checks: ${e.failedGates.join('; ')}.`
      : `Gates: ${request.gates.map((g) => `${g.gate} ${g.passed ? 'passed' : 'failed'}`).join(', ') || 'none run'}.`,
  );
  parts.push(`Verdict ${verdict}: ${why}.`);
  return parts.join(' ');
}

export function assessOffline(request: AssessmentRequest): Assessment {
  const e = gatherEvidence(request);
  const { verdict, why } = verdictOf(request, e);
  const parsed = assessmentSchema.safeParse({
    verdict,
    rationale: rationale(request, e, verdict, why),
    next_hypotheses: nextHypotheses(request, verdict, e),
  });
  if (!parsed.success) {
    throw new DomainError(
      'INVALID_ARGUMENT',
      `The offline assessment of ${request.strategy_name} did not validate: ${parsed.error.message}`,
    );
  }
  return parsed.data;
}

export function createOfflineAssessor(): Assessor {
  return {
    provider: 'offline',
    assess: (request, opts) =>
      Promise.resolve().then(() => {
        if (opts.signal?.aborted) throw new DomainError('CANCELLED', 'The research cycle was cancelled while assessing.');
        return { assessment: assessOffline(request), usage: NO_USAGE };
      }),
  };
}
