import { DomainError } from '../../domain/errors.js';
import type { Strategy } from '../../domain/strategy.js';
import type { Cell } from '../coverage.js';
import { parseStrategy } from '../../pipeline/strategy-source.js';
import { NO_USAGE, type Design, type DesignRequest, type Designer } from '../types.js';
import { ALL_CELLS, coverage } from '../coverage.js';
import {
  explorationHypothesis,
  describeStrategy,
  mutationHypothesis,
  openingHypothesis,
  problemReason,
  recombinationHypothesis,
} from './offline-describe.js';
import {
  knownContentHashes,
  metric,
  parseJournal,
  rankParents,
  thresholdLessons,
  violatedLesson,
  type Parent,
  type Problem,
} from './offline-journal.js';
import { applyMutation, randomMutation, recombine, type Direction, type Mutation, type MutationKind } from './offline-mutate.js';
import { rebalanceLabels } from './offline-mutate-setup.js';
import { createDraw, type Draw } from './offline-random.js';
import { contentHash, renderStrategy, strategyName } from './offline-render.js';
import { dataScale } from './offline-scale.js';
import { cellStrategy, explorationCell, openingCell, OPENING_LENGTH } from './offline-opening.js';
import { sampleStrategy, type SpaceContext } from './offline-space.js';

/**
 * The offline designer: a deterministic, seeded search over the strategy space (same request and
 * seed -> byte-identical YAML). The first OPENING_LENGTH trials of a program follow the opening
 * plan (offline-opening.ts: horizon band x feature family x trading mode, the 1-bar return on the
 * next bar first); after that it mostly exploits (mutates one of the best strategies, aiming the mutation at what went wrong
 * with it, or recombines two good ones) and sometimes explores. A candidate whose labels repeat a
 * threshold that made one class dominate earlier is redrawn, and no strategy is proposed twice:
 * a candidate is new when neither its registry hash (parseStrategy's, over the whole strategy)
 * nor its content hash (offline-render.ts contentHash: everything but the name, words and init
 * seed) is in `journal.tried_hashes`, and its content matches no journal strategy's. The name
 * `<program>_<n>` changes every trial, so registry hashes alone never repeat: the journal must
 * list content hashes too for renamed copies of old strategies to be caught.
 */

/** Share of designs that explore while something in the journal looks promising (epsilon-greedy). */
export const EXPLORE_PROBABILITY = 0.2;
/** ... and while nothing has shown more than no_signal / overfit: refining noise is wasted work. */
export const EXPLORE_WHEN_NOTHING_WORKS = 0.5;
/** Share of explorations (after the opening) drawn from a cell of the coarse map, preferring uncovered ones; the rest sample the whole space freely. */
export const CELL_EXPLORE_PROBABILITY = 0.5;
/** Candidates tried in the opening cell before the search falls back to the journal-driven proposals. */
const OPENING_ATTEMPTS = 100;
/** Share of exploiting designs that recombine two parents instead of mutating one. */
export const RECOMBINE_PROBABILITY = 0.25;
/** Share of mutations aimed at the parent's diagnosed problem rather than drawn at random. */
export const DIRECTED_PROBABILITY = 0.8;
/** Parents are drawn from the best few, weighted 3:2:1. */
const PARENT_WEIGHTS = [3, 2, 1];
/** Candidates tried before the space counts as exhausted; lessons are relaxed after half of them. */
export const MAX_ATTEMPTS = 400;
/** A duplicate is mutated again this many times before the search starts over from a new proposal. */
const EXTRA_MUTATIONS = 4;

const PROBLEM_ORDER: Problem[] = ['too_few_trades', 'undertrained', 'flat_dominates', 'flat_rare', 'overfit', 'no_edge'];
const DIRECTED: Record<Problem, { kind: MutationKind; direction?: Direction }[]> = {
  // Few trades: a lower bar opens more positions, a short side trades the down moves, a shorter
  // horizon makes predictions flip sooner.
  too_few_trades: [
    { kind: 'confidence_threshold', direction: 'down' },
    { kind: 'trade_mode', direction: 'up' },
    { kind: 'label_horizon', direction: 'down' },
  ],
  undertrained: [{ kind: 'training_budget', direction: 'up' }],
  flat_dominates: [{ kind: 'label_threshold', direction: 'down' }],
  flat_rare: [{ kind: 'label_threshold', direction: 'up' }],
  overfit: [{ kind: 'model_size', direction: 'down' }, { kind: 'dropout', direction: 'up' }, { kind: 'remove_indicator' }],
  no_edge: [{ kind: 'indicator_period' }, { kind: 'add_indicator' }, { kind: 'label_horizon' }, { kind: 'fuzzy_breakpoints' }],
};

interface Proposal {
  strategy: Strategy;
  hypothesis: (changes: Mutation[]) => string;
  changes: Mutation[];
  /** An opening or cell design: a duplicate is redrawn in its cell rather than mutated out of it. */
  fresh?: boolean;
}

export function createOfflineDesigner(): Designer {
  return {
    provider: 'offline',
    design: (request, opts) => Promise.resolve().then(() => designOffline(request, opts.signal)),
  };
}

export function designOffline(request: DesignRequest, signal?: AbortSignal, options: { maxAttempts?: number } = {}): Design {
  const maxAttempts = options.maxAttempts ?? MAX_ATTEMPTS;
  if (signal?.aborted) throw new DomainError('CANCELLED', 'The research cycle was cancelled while designing.');
  const ctx: SpaceContext = {
    scale: dataScale(request.data),
    maxEpochs: Math.max(1, Math.floor(request.max_epochs)),
    spec: request.data.spec,
  };
  const draw = createDraw(request.seed);
  const parsed = parseJournal(request.journal);
  const parents = rankParents(request.journal, parsed, ctx.scale);
  const lessons = thresholdLessons(parents, ctx.scale);
  const tried = new Set(request.journal.tried_hashes);
  const known = knownContentHashes(parsed);
  const name = strategyName(request.program, request.journal.total_trials + 1);
  const opening = openingCell(request.program, request.journal.total_trials);
  const strategies = [...parsed.values()].filter((x): x is Strategy => x !== undefined);
  const missing = coverage(strategies).missing;
  let proposal: Proposal | undefined;
  let extra = 0;
  let duplicates = 0;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    if (!proposal || extra >= EXTRA_MUTATIONS || proposal.fresh) {
      proposal =
        opening && attempt < OPENING_ATTEMPTS
          ? openingProposal(opening, draw, ctx, parents, attempt >= OPENING_ATTEMPTS / 4)
          : propose(draw, ctx, parents, missing);
      extra = 0;
    } else {
      const m = randomMutation(proposal.strategy, draw, ctx.scale);
      extra++;
      if (!m) {
        proposal = undefined;
        continue;
      }
      proposal.changes.push(m);
    }
    const s = finalise(proposal, name, ctx);
    // An opening cell keeps to its cell: its lessons are relaxed sooner (its threshold range is narrow).
    const lessonAttempts = opening && attempt < OPENING_ATTEMPTS ? OPENING_ATTEMPTS / 2 : maxAttempts / 2;
    if (attempt < lessonAttempts && violatedLesson(s, lessons, ctx.scale)) {
      proposal = undefined;
      continue;
    }
    const yaml = renderStrategy(s);
    const resolved = parseStrategy(yaml, `offline design ${name}`);
    const content = contentHash(resolved.strategy);
    if (tried.has(resolved.hash) || tried.has(content) || known.has(content)) {
      duplicates++;
      continue;
    }
    return { strategy: resolved.strategy, strategy_yaml: yaml, hypothesis: s.hypothesis, usage: NO_USAGE, repair_rounds: 0 };
  }
  throw new DomainError(
    'SEARCH_EXHAUSTED',
    `The offline designer found no untried strategy in ${maxAttempts} attempts (${duplicates} duplicates of the ${request.journal.tried_hashes.length} tried). Widen the search (another data set or goal), or use --designer claude.`,
    { attempts: maxAttempts, duplicates, tried: request.journal.tried_hashes.length },
  );
}

/** A copy with the name, words, data source and epoch cap of this request. */
function finalise(p: Proposal, name: string, ctx: SpaceContext): Strategy {
  const s = structuredClone(p.strategy);
  s.name = name;
  s.hypothesis = p.hypothesis(p.changes);
  s.description = describeStrategy(s);
  s.data = { source: ctx.spec };
  s.training.epochs = Math.min(s.training.epochs, ctx.maxEpochs);
  s.training.early_stopping_patience = Math.min(s.training.early_stopping_patience, s.training.epochs);
  return s;
}

/** `wide`: thresholds from the whole range of the horizon, once the opening's narrow range kept repeating a lesson or a design. */
function openingProposal(
  opening: { cell: Cell; index: number },
  draw: Draw,
  ctx: SpaceContext,
  parents: Parent[],
  wide: boolean,
): Proposal {
  const strategy = cellStrategy(opening.cell, draw, ctx, { basic: opening.index === 0, wide });
  return {
    strategy,
    changes: [],
    fresh: true,
    hypothesis: (changes) => openingHypothesis(strategy, opening.cell, opening.index, OPENING_LENGTH, parents[0], changes),
  };
}

function propose(draw: Draw, ctx: SpaceContext, parents: Parent[], missing: Cell[]): Proposal {
  const promising = parents.some((p) => p.experiment.verdict === 'strong_signal' || p.experiment.verdict === 'weak_signal');
  const explore = !parents.length || draw.chance(promising ? EXPLORE_PROBABILITY : EXPLORE_WHEN_NOTHING_WORKS);
  if (explore) {
    const inCell = draw.chance(CELL_EXPLORE_PROBABILITY);
    const strategy = inCell ? cellStrategy(explorationCell(draw, missing, ALL_CELLS), draw, ctx) : sampleStrategy(draw, ctx);
    return { strategy, changes: [], fresh: inCell, hypothesis: (changes) => explorationHypothesis(strategy, parents[0], changes) };
  }
  const top = parents.slice(0, PARENT_WEIGHTS.length);
  if (top.length >= 2 && draw.chance(RECOMBINE_PROBABILITY)) {
    const [i, j] = draw.sample(
      top.map((_, k) => k),
      2,
    );
    const [a, b] = draw.chance(0.5) ? [top[i!]!, top[j!]!] : [top[j!]!, top[i!]!];
    return { strategy: recombine(a.strategy, b.strategy), changes: [], hypothesis: (changes) => recombinationHypothesis(a, b, changes) };
  }
  const parent = top[draw.weighted(PARENT_WEIGHTS.slice(0, top.length))]!;
  const strategy = structuredClone(parent.strategy);
  const first = directedMutation(parent, strategy, draw, ctx) ?? randomMutation(strategy, draw, ctx.scale);
  return { strategy, changes: first ? [first] : [], hypothesis: (changes) => mutationHypothesis(parent, changes) };
}

/** The mutation that answers the parent's most pressing problem, with the reason citing its figures. */
function directedMutation(parent: Parent, s: Strategy, draw: Draw, ctx: SpaceContext): Mutation | null {
  const problem = PROBLEM_ORDER.find((p) => parent.problems.includes(p));
  if (!problem || !draw.chance(DIRECTED_PROBABILITY)) return null;
  const flat = metric(parent.experiment.metrics, 'label_flat_share');
  if ((problem === 'flat_rare' || problem === 'flat_dominates') && flat !== undefined) {
    const m = rebalanceLabels(s, flat);
    if (m) return { ...m, reason: problemReason(problem, parent) };
  }
  for (const { kind, direction } of draw.shuffle(DIRECTED[problem])) {
    const m = applyMutation(kind, s, draw, ctx.scale, direction);
    if (m) return { ...m, reason: problemReason(problem, parent) };
  }
  return null;
}
