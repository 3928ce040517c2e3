import { createHash } from 'node:crypto';
import { YAML } from '../../config/yaml.js';
import type { Membership, Strategy } from '../../domain/strategy.js';

/**
 * Strategy -> YAML in one canonical layout (fixed key order, memberships in the ktrdr shorthand,
 * short lists inline), so the same strategy always renders to the same bytes.
 */
export function renderStrategy(s: Strategy): string {
  const fuzzy: Record<string, Record<string, unknown>> = {};
  for (const [key, sets] of Object.entries(s.fuzzy_sets)) {
    fuzzy[key] = Object.fromEntries(Object.entries(sets).map(([name, m]) => [name, shorthand(m)]));
  }
  const training: Record<string, unknown> = { ...s.training };
  if (training['purge_gap'] === undefined) delete training['purge_gap'];
  const doc = new YAML.Document({
    name: s.name,
    description: s.description,
    hypothesis: s.hypothesis,
    data: s.data,
    indicators: s.indicators.map((i) => ({ id: i.id, type: i.type, params: i.params })),
    fuzzy_sets: fuzzy,
    features: s.features,
    labels: s.labels,
    model: s.model,
    training,
    decisions: s.decisions,
  });
  YAML.visit(doc, {
    Seq(_, node) {
      if (node.items.every((i) => YAML.isScalar(i))) node.flow = true;
    },
    Pair(_, pair) {
      if (YAML.isScalar(pair.key) && (pair.key.value === 'params' || pair.key.value === 'data') && YAML.isMap(pair.value))
        pair.value.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function shorthand(m: Membership): unknown {
  return m.type === 'gaussian' ? { type: 'gaussian', params: m.params } : m.params;
}

/**
 * Hash of what is trained, leaving out the words (name, description, hypothesis) and the weight
 * initialisation seed: two strategies equal here are the same experiment, whatever they are called.
 * (The registry's strategy hash, parseStrategy's, covers the whole object, name included.)
 */
export function contentHash(s: Strategy): string {
  const bare = { ...s, name: '', description: '', hypothesis: '', training: { ...s.training, seed: 0 } };
  return createHash('sha256').update(JSON.stringify(bare)).digest('hex');
}

/** `<program>_<n>` as a strategy identifier: lower-case letters, digits, underscores, a letter first. */
export function strategyName(program: string, n: number): string {
  let base = program
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!/^[a-z]/.test(base)) base = `research${base ? `_${base}` : ''}`;
  return `${base.slice(0, 48)}_${n}`;
}
