import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_CELLS, cellKey, cellsOf, coverage } from '../../../src/agents/coverage.js';
import { renderCoverage, renderJournal } from '../../../src/agents/providers/claude-context.js';
import { loadPrompt } from '../../../src/agents/providers/claude-client.js';
import { parseStrategy } from '../../../src/pipeline/strategy-source.js';
import { EMPTY_JOURNAL, experiment, summarise } from './offline-helpers.js';

const example = (name: string) => readFileSync(new URL(`../../../strategies/${name}.yaml`, import.meta.url), 'utf8');

describe('search-space coverage (both designers)', () => {
  it('maps a strategy to horizon band x feature family x mode', () => {
    expect(ALL_CELLS).toHaveLength(24);
    const rsi = parseStrategy(example('rsi_mean_reversion')).strategy; // 5-bar horizon
    const cells = cellsOf(rsi).map(cellKey);
    expect(cells[0]).toMatch(new RegExp(`^medium/.+/${rsi.decisions.mode}$`));
    expect(cells).toContain(`medium/oscillator/${rsi.decisions.mode}`);
    const { covered, missing } = coverage([rsi]);
    expect(covered.length + missing.length).toBe(24);
  });

  it('the Claude designer sees which cells the journal covers and which none has tried', () => {
    const yaml = example('rsi_mean_reversion');
    const text = renderJournal(summarise([experiment(yaml)]));
    const mode = parseStrategy(yaml).strategy.decisions.mode;
    expect(text).toContain('Coverage of the experiments listed');
    expect(text).toMatch(new RegExp(`covered: .*medium/oscillator/${mode}`));
    expect(text).toMatch(/not yet: short\/returns\/long_only, short\/returns\/long_short/);
    expect(renderCoverage(EMPTY_JOURNAL)).toContain('covered: none');
  });

  it('the designer prompt asks for short horizons from 1 bar, lagged returns, volatility and long-short early', () => {
    const prompt = loadPrompt('designer');
    expect(prompt).toContain('# Cover the space before refining');
    expect(prompt).toMatch(/1-bar label horizon/);
    expect(prompt).toMatch(/`mode: long_short`/);
    expect(prompt).toMatch(/volatility/i);
  });
});
