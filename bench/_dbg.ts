import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/config/logger.js';
import { createServices } from '../src/services/index.js';

const family = process.argv[2] ?? 'mean_reversion';
const seed = Number(process.argv[3] ?? 1002);
const cycles = Number(process.argv[4] ?? 3);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-dbg-'));
const config = loadConfig({
  argv: { home, log_level: 'silent', research: { max_epochs: Number(process.env['EPOCHS'] ?? 15) } } as never,
  env: {},
});
const services = createServices(config, { logger: createLogger('silent') });
const pred = !['random_walk', 'garch', 'vol_shift'].includes(family);
const data = `synthetic:seed=${seed},bars=${process.env['BARS'] ?? 6000},family=${family}${pred ? ',signal=0.3' : ''}`;
const op = await services.research.start({ goal: `dbg ${family}`, cycles, designer: 'offline', data, seed: seed - 1000 }, 'bench');
await services.research.waitFor(op.id);
for (const c of services.registry.research.list({ run_id: op.id }).sort((a, b) => a.cycle_index - b.cycle_index)) {
  const m = c.model_id ? services.registry.models.get(c.model_id) : null;
  const sig = (m?.metrics.test as any)?.significance;
  console.log(`#${c.cycle_index} ${c.strategy_name} ${c.state}`);
  const y = c.strategy_yaml ?? '';
  console.log(
    y
      .split('\n')
      .filter((l) => /type:|horizon|features|raw|lagged|mode|hidden|epochs|threshold|up_|down_|confidence/.test(l))
      .join(' | '),
  );
  if (sig)
    console.log(
      '  acc',
      sig.accuracy.value,
      'dir n',
      sig.direction.samples,
      'edge',
      sig.direction.edge.value,
      'p',
      sig.direction.edge.p_value,
      'll',
      sig.direction.log_loss_improvement.value,
      'p',
      sig.direction.log_loss_improvement.p_value,
      'oos sharpe',
      c.metrics?.['oos_sharpe'],
      'trades',
      c.metrics?.['oos_trades'],
      'epochs',
      c.metrics?.['epochs_run'],
      'best',
      c.metrics?.['best_epoch'],
    );
  for (const g of c.gates ?? [])
    console.log(
      '  ',
      g.gate,
      g.passed,
      g.checks
        .filter((k) => !k.passed)
        .map((k) => k.reason.slice(0, 150))
        .join(' ;; '),
    );
}
await services.close();
