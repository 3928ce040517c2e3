import type { CycleSummary } from '../agents/summary.js';
import type { ResearchRun } from '../tools/research-schemas.js';
import { pushAll } from '../pipeline/array-stats.js';

const pct = (v: number | null | undefined) => (typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : '-');
const num = (v: number | null | undefined, d = 2) => (typeof v === 'number' ? v.toFixed(d) : '-');

function cycleReport(c: CycleSummary, yaml: string | null): string[] {
  const out = [
    ``,
    `── cycle #${c.cycle_index}: ${c.strategy_name ?? '(no strategy)'} · ${c.phase_reached}`,
    ...(c.hypothesis ? [`hypothesis  ${c.hypothesis}`] : []),
  ];
  if (yaml)
    pushAll(out, [
      'strategy',
      ...yaml
        .trimEnd()
        .split('\n')
        .map((l) => `  │ ${l}`),
    ]);
  if (c.test_accuracy !== null) out.push(`test        accuracy ${pct(c.test_accuracy)} vs majority baseline ${pct(c.baseline_accuracy)}`);
  for (const g of c.gates)
    out.push(`${`${g.gate} gate`.padEnd(15)} ${g.passed ? 'PASSED' : 'FAILED'}${g.failing.length ? `: ${g.failing.join('; ')}` : ''}`);
  if (c.backtest) {
    const b = c.backtest;
    out.push(
      `backtest    out of sample (test segment)${c.gates.some((g) => g.gate === 'backtest') ? '     ' : ', recorded at training; gate not reached'} strategy   buy & hold`,
      `            total return                    ${pct(b.total_return).padStart(9)}  ${pct(b.buy_and_hold_total_return).padStart(9)}`,
      `            Sharpe                          ${num(b.sharpe).padStart(9)}  ${num(b.buy_and_hold_sharpe).padStart(9)}`,
      `            max drawdown ${pct(b.max_drawdown)} · win rate ${pct(b.win_rate)} · ${b.trades ?? 0} trades${c.deflated_sharpe !== null ? ` · deflated Sharpe ${num(c.deflated_sharpe, 3)}` : ''}`,
    );
  }
  if (c.lockbox)
    out.push(
      `lockbox     ${c.lockbox.from.slice(0, 10)} .. ${c.lockbox.to.slice(0, 10)} (held out, looked at once): Sharpe ${num(c.lockbox.sharpe)} · ${c.lockbox.trades} trades · ${c.lockbox.passed ? 'held up' : 'did not hold up'}`,
    );
  if (c.verdict) out.push(`verdict     ${c.verdict}: ${c.rationale ?? ''}`);
  if (c.next_hypotheses.length) out.push(`next        ${c.next_hypotheses.join(' | ')}`);
  if (c.model_id)
    out.push(
      `registered  ${c.model_id} as ${c.stage ?? 'candidate'}${c.stage === 'staging' ? ' (passed every gate and the lockbox; production needs a person)' : ''}`,
    );
  if (c.error) out.push(`error       ${c.error}`);
  return out;
}

/** The human-readable account of a research run: every cycle, then what stopped it and what it cost. */
export function formatResearchReport(run: ResearchRun, yamlOf: (cycleId: string) => string | null, showYaml: boolean): string {
  const lines = [
    `research run ${run.run_id} · program ${run.program} · designer ${run.designer} · data ${run.data}`,
    `goal: ${run.goal}`,
    run.lockbox
      ? `lockbox: ${run.lockbox.from.slice(0, 10)} .. ${run.lockbox.to.slice(0, 10)} (${run.lockbox.bars} bars) held out of every cycle; cycles train up to ${run.lockbox.train_to.slice(0, 10)}`
      : 'lockbox: none',
  ];
  for (const c of run.cycles) pushAll(lines, cycleReport(c, showYaml ? yamlOf(c.cycle_id) : null));
  const u = run.usage;
  pushAll(lines, [
    '',
    `${run.status}: ${run.message ?? ''}`,
    run.promoted.length
      ? `promoted to staging: ${run.promoted.join(', ')}`
      : 'nothing promoted (a model must pass the training, backtest and promotion gates, then hold up on the lockbox)',
    `lockbox looked at ${run.lockbox_looks} time(s) in this run${run.program_lockbox_looks !== null ? `, ${run.program_lockbox_looks} in the program` : ''}`,
    ...(run.pbo
      ? [
          run.pbo.pbo !== null
            ? `probability of backtest overfitting (PBO) ${run.pbo.pbo.toFixed(2)} over ${run.pbo.trials} trials and ${run.pbo.periods} shared bars`
            : `PBO: ${run.pbo.note}`,
        ]
      : []),
    ...(u && u.requests
      ? [`tokens ${u.input_tokens} in / ${u.output_tokens} out in ${u.requests} requests (~$${u.cost_usd.toFixed(2)})`]
      : []),
  ]);
  return lines.join('\n');
}
