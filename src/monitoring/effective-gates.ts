import { THRESHOLD_DIRECTION, gateNames, type GateOverrides, type GateThresholds } from '../domain/gates.js';

export interface GateSettings extends GateThresholds {
  strategy_overrides: 'tighten_only' | 'allow';
}

export interface EffectiveGates {
  thresholds: GateThresholds;
  /** "training.min_accuracy 0.45 -> 0.5 (strategy)" for every threshold the strategy changed. */
  applied: string[];
  /** Loosening overrides that config does not allow, and were ignored. */
  ignored: string[];
}

/**
 * The thresholds a model version is gated with: config, then the strategy's own `gates:` section.
 * With `tighten_only` (the default) a strategy can make a gate stricter but not weaker, so a
 * designed strategy cannot wave itself through; ignored overrides are reported.
 */
export function effectiveGates(settings: GateSettings, overrides: GateOverrides | undefined): EffectiveGates {
  const thresholds = {
    training: { ...settings.training },
    backtest: { ...settings.backtest },
    promotion: { ...settings.promotion },
  };
  const applied: string[] = [];
  const ignored: string[] = [];
  for (const gate of gateNames) {
    const own = (overrides?.[gate] ?? {}) as Record<string, number | null | undefined>;
    const target = thresholds[gate] as Record<string, number | null>;
    for (const [key, value] of Object.entries(own)) {
      if (value === undefined) continue;
      const base = target[key] ?? null;
      // null switches a check off: turning one off loosens, turning one on tightens.
      const looser =
        value === null ? base !== null : base === null ? false : THRESHOLD_DIRECTION[key] === 'min' ? value < base : value > base;
      const label = `${gate}.${key} ${base} -> ${value}`;
      if (looser && settings.strategy_overrides !== 'allow') {
        ignored.push(`${label} ignored: it loosens the gate and config gates.strategy_overrides is tighten_only`);
        continue;
      }
      target[key] = value;
      if (value !== base) applied.push(`${label} (strategy)`);
    }
  }
  return { thresholds, applied, ignored };
}
