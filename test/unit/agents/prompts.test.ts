import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { loadPrompt } from '../../../src/agents/providers/claude-client.js';
import { fenceOpen } from '../../../src/agents/providers/fence.js';
import { parseStrategy } from '../../../src/pipeline/strategy-source.js';

describe('system prompts', () => {
  it('the designer prompt’s example strategy is valid as written', () => {
    const prompt = loadPrompt('designer');
    const example = /```yaml\n([\s\S]*?)```/.exec(prompt)?.[1];
    expect(example).toBeDefined();
    const { strategy } = parseStrategy(example!);
    expect(strategy.name).toBe('rsi_reversion_5d');
    expect(YAML.parse(example!)).toHaveProperty('hypothesis');
  });

  it('both prompts describe the fence markers the providers use', () => {
    const marker = fenceOpen('x').replace(' x>>>', '');
    for (const name of ['designer', 'assessor'] as const) {
      const prompt = loadPrompt(name);
      expect(prompt).toContain(`\`${marker} ...>>>\``);
      expect(prompt).toContain('submit_');
    }
  });

  it('names the file and what to do when a prompt is missing', () => {
    expect(() => loadPrompt('designer', '/nonexistent')).toThrow(/\/nonexistent\/designer\.md cannot be read/);
  });
});
