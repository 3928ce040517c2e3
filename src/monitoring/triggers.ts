import { randomBytes } from 'node:crypto';
import { Cron } from 'croner';
import type { triggerTypes } from '../domain/trigger.js';

/** Retraining trigger settings (config `triggers`). */
export interface TriggerConfig {
  /** Cron expression, UTC (e.g. "0 2 * * 0": Sundays 02:00). */
  schedule?: string | null;
  /**
   * Drift trigger: null = off; otherwise it fires when the drift report (the rule of `trainyard
   * drift` and the promotion gate) says action required, with this as the per-feature PSI floor
   * (never below drift.psi_drift).
   */
  drift_psi?: number | null;
  /** New bars since the last training above which a retrain is due. */
  new_data_bars?: number | null;
  /** Retrain when live performance has been below its thresholds for this many days. */
  performance_days?: number | null;
  /** Date windows (ISO, UTC) during which triggers are postponed, e.g. earnings season. */
  blocked_periods?: { from: string; to: string; reason: string }[];
  /** Postpone while recent annualised volatility is above this (a market in turmoil). */
  max_volatility?: number | null;
  /** No new trigger within this many hours of the last one. */
  cooldown_hours: number;
}

export interface TriggerState {
  last_trigger_at?: string | undefined;
  /** The latest scheduled slot already served (so a missed slot runs once, not once per slot). */
  last_scheduled_slot?: string | undefined;
}

export interface Observations {
  now: Date;
  /** Highest feature PSI of the latest drift check (an observation; the decision is `drift`). */
  max_psi?: number | undefined;
  /** The drift report's decision and its reasons. */
  drift?: { action_required: boolean; summary: string } | undefined;
  new_bars?: number | undefined;
  /** Days in a row the production model's live performance has been degraded (performance monitoring). */
  degraded_days?: number | undefined;
  /** Recent annualised volatility of the traded series. */
  volatility?: number | undefined;
}

export type TriggerType = (typeof triggerTypes)[number];

/** One trigger, in the model-trainer specification's format. */
export interface Trigger {
  trigger_id: string;
  trigger_type: TriggerType;
  timestamp: string;
  reason: { metric: string; current_value: number | string; threshold: number | string; message: string };
  requested_run: { priority: 'normal' | 'high'; fast_track: boolean };
}

export interface TriggerDecision {
  fired: Trigger[];
  /** Conditions that were met but held back, with why (blocked period, volatility, cooldown). */
  postponed: { trigger_type: Trigger['trigger_type']; why: string }[];
  next_scheduled: string | null;
  state: TriggerState;
}

function trigger(type: Trigger['trigger_type'], now: Date, reason: Trigger['reason'], high: boolean): Trigger {
  return {
    trigger_id: `trg_${now
      .toISOString()
      .replace(/[-:.TZ]/g, '')
      .slice(0, 14)}_${randomBytes(2).toString('hex')}`,
    trigger_type: type,
    timestamp: now.toISOString(),
    reason,
    requested_run: { priority: high ? 'high' : 'normal', fast_track: high },
  };
}

/**
 * Decides which retraining triggers fire now. Pure apart from the ids: the caller persists the
 * returned state and starts one training job per fired trigger. A scheduled run missed while the
 * process was down fires once (only the latest slot counts); blocked periods, high volatility
 * and the cooldown postpone triggers without consuming them.
 */
export function evaluateTriggers(cfg: TriggerConfig, state: TriggerState, obs: Observations): TriggerDecision {
  const now = obs.now;
  const due: Trigger[] = [];
  const next: TriggerState = { ...state };
  let slot: Date | null = null;
  let nextScheduled: string | null = null;
  if (cfg.schedule) {
    const cron = new Cron(cfg.schedule, { timezone: 'UTC', paused: true });
    slot = cron.previousRuns(1, now)[0] ?? null;
    nextScheduled = cron.nextRun(now)?.toISOString() ?? null;
    if (slot && (!state.last_scheduled_slot || slot.getTime() > Date.parse(state.last_scheduled_slot))) {
      due.push(
        trigger(
          'scheduled',
          now,
          {
            metric: 'schedule',
            current_value: slot.toISOString(),
            threshold: cfg.schedule,
            message: `scheduled run (${cfg.schedule} UTC)`,
          },
          false,
        ),
      );
    }
  }
  // Realised decay is the strongest evidence, so it comes before drift when both fire at once.
  if (cfg.performance_days != null && obs.degraded_days !== undefined && obs.degraded_days >= cfg.performance_days) {
    due.push(
      trigger(
        'performance',
        now,
        {
          metric: 'degraded_days',
          current_value: obs.degraded_days,
          threshold: cfg.performance_days,
          message: `live performance below its thresholds for ${obs.degraded_days} day${obs.degraded_days === 1 ? '' : 's'} (limit ${cfg.performance_days})`,
        },
        true,
      ),
    );
  }
  if (cfg.drift_psi != null && obs.drift?.action_required) {
    due.push(
      trigger(
        'drift',
        now,
        {
          metric: 'drift_action_required',
          current_value: obs.drift.summary,
          threshold: `drift report rule (PSI floor ${cfg.drift_psi})`,
          message: `drift: ${obs.drift.summary}${obs.max_psi !== undefined ? ` (largest feature PSI ${obs.max_psi.toFixed(3)})` : ''}`,
        },
        true,
      ),
    );
  }
  if (cfg.new_data_bars != null && obs.new_bars !== undefined && obs.new_bars >= cfg.new_data_bars) {
    due.push(
      trigger(
        'new_data',
        now,
        {
          metric: 'new_bars',
          current_value: obs.new_bars,
          threshold: cfg.new_data_bars,
          message: `${obs.new_bars} new bars since the last training`,
        },
        false,
      ),
    );
  }
  const blocked = (cfg.blocked_periods ?? []).find((b) => now.getTime() >= Date.parse(b.from) && now.getTime() <= Date.parse(b.to));
  const cooling = state.last_trigger_at !== undefined && now.getTime() - Date.parse(state.last_trigger_at) < cfg.cooldown_hours * 3_600_000;
  const why = blocked
    ? `blocked period ${blocked.from} .. ${blocked.to}: ${blocked.reason}`
    : cfg.max_volatility != null && obs.volatility !== undefined && obs.volatility > cfg.max_volatility
      ? `volatility ${obs.volatility.toFixed(3)} above ${cfg.max_volatility}`
      : cooling
        ? `cooldown: last trigger at ${state.last_trigger_at} (${cfg.cooldown_hours} h)`
        : null;
  if (why) return { fired: [], postponed: due.map((t) => ({ trigger_type: t.trigger_type, why })), next_scheduled: nextScheduled, state };
  // Several conditions at once still mean one retrain: the most urgent trigger fires, the rest are recorded as covered by it.
  const fired = due.length ? [due.find((t) => t.requested_run.fast_track) ?? due[0]!] : [];
  if (fired.length) next.last_trigger_at = now.toISOString();
  if (slot && due.some((t) => t.trigger_type === 'scheduled')) next.last_scheduled_slot = slot.toISOString();
  return {
    fired,
    postponed: due
      .filter((t) => !fired.includes(t))
      .map((t) => ({ trigger_type: t.trigger_type, why: `covered by the ${fired[0]!.trigger_type} trigger` })),
    next_scheduled: nextScheduled,
    state: next,
  };
}
