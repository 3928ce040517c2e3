import { resolveStrategy } from '../src/pipeline/strategy-source.js';
import { compileSpace, applyParams } from '../src/tuning/space.js';
const s = resolveStrategy('rsi_mean_reversion', { strategiesDir: 'strategies' }).strategy;
const sp = compileSpace(s, {
  'training.learning_rate': { low: 1e-4, high: 1e-2, log: true },
  'model.hidden_layers': { choices: [[16], [32, 16]] },
  'labels.type': { choices: ['forward_return', 'triple_barrier'] },
  'labels.horizon': { low: 2, high: 20, when: { 'labels.type': ['forward_return'] } },
  'labels.max_holding': { low: 5, high: 20, when: { 'labels.type': ['triple_barrier'] } },
  [`indicators.${s.indicators[0]!.id}.params.period`]: { low: 5, high: 30 },
});
console.log(JSON.stringify(sp));
console.log(JSON.stringify(applyParams(s, { 'labels.type': 'triple_barrier', 'labels.max_holding': 7 }).labels));
for (const bad of [{ 'training.lerning_rate': { low: 1, high: 2 } }, { 'model.dropout': { low: 0, high: 2 } }, { 'training.batch_size': { low: 1.5, high: 8 } }, { 'indicators.nope.params.period': { low: 1, high: 3 } }, {'labels.horizon': {low: 1, high: 5, when: {'labels.type': ['x']}}}, {'model.hidden_layers': {choices: [[0]]}}])
  try { compileSpace(s, bad); } catch (e) { console.log((e as Error).message); }
