import { DomainError } from '../../domain/errors.js';

/** Market families of the synthetic generator (equations in synthetic.ts). */
export const SYNTHETIC_FAMILIES = ['momentum', 'mean_reversion', 'regime_direction', 'random_walk', 'garch', 'vol_shift'] as const;
export type SyntheticFamily = (typeof SYNTHETIC_FAMILIES)[number];
/** Families in which no function of the past predicts the sign of the next return: `signal` is refused. */
export const UNPREDICTABLE_FAMILIES: readonly SyntheticFamily[] = ['random_walk', 'garch', 'vol_shift'];
/** Signal strength of the families named for a planted relation when the spec gives none (momentum keeps 0). */
export const DEFAULT_PLANTED_SIGNAL = 0.3;

/** Parameters of the synthetic generator, every one filled in (see synthetic.ts). */
export interface SyntheticParams {
  seed: number;
  bars: number;
  symbols: number;
  /** Which market: momentum (default), mean_reversion, regime_direction, random_walk, garch, vol_shift. */
  family: SyntheticFamily;
  /** Strength of the planted relation in [0, 1]; 0 = pure random walk (always 0 for the unpredictable families). */
  signal: number;
  /** Number of volatility regimes (1 = constant volatility). */
  regimes: number;
  timeframe: string;
  /** ISO date of the first bar. */
  start: string;
}

/** Bars ingested into the registry (ingest_data); `db` is filled in by trainyard when it hands the spec to a worker. */
export interface StoreParams {
  /** null: every stored symbol. */
  symbols: string[] | null;
  timeframe: string | null;
  db: string | null;
}

export type DataSpec =
  | { kind: 'csv'; path: string }
  | { kind: 'sample'; name: 'sp500' }
  | { kind: 'synthetic'; params: SyntheticParams }
  | { kind: 'store'; params: StoreParams };

export const SPEC_USAGE =
  'Use csv:<path>, sample:sp500 or synthetic:seed=1,bars=5000[,symbols=3][,family=momentum][,signal=0.3][,regimes=2][,timeframe=1d][,start=2010-01-01] (families: momentum, mean_reversion, regime_direction, random_walk, garch, vol_shift), or store:[SYM1,SYM2][,timeframe=1d] for ingested bars';

export const SYNTHETIC_DEFAULTS: SyntheticParams = {
  seed: 1,
  bars: 5000,
  symbols: 1,
  family: 'momentum',
  signal: 0,
  regimes: 1,
  timeframe: '1d',
  start: '2010-01-01',
};

const SAMPLES = ['sp500'] as const;
const MAX_SYNTHETIC_BARS = 5_000_000;
const MAX_SYNTHETIC_SYMBOLS = 100;
const MAX_REGIMES = 5;

/** `csv:<path>` | `sample:sp500` | `synthetic:<k=v,...>`; a bare path ending in .csv is read as csv. */
export function parseDataSpec(spec: string): DataSpec {
  const text = spec.trim();
  if (text === '') throw specError(spec, 'the data spec is empty');
  const colon = text.indexOf(':');
  const scheme = colon < 0 ? text.toLowerCase() : text.slice(0, colon).toLowerCase();
  const rest = colon < 0 ? '' : text.slice(colon + 1).trim();

  if (scheme === 'csv') {
    if (rest === '') throw specError(spec, 'csv: needs a file path, e.g. csv:data/prices.csv');
    return { kind: 'csv', path: rest };
  }
  if (scheme === 'sample') {
    const name = rest.toLowerCase();
    if (!(SAMPLES as readonly string[]).includes(name)) {
      throw specError(spec, `unknown sample "${rest}"; available samples: ${SAMPLES.join(', ')}`, { part: rest }, 'Unknown');
    }
    return { kind: 'sample', name: 'sp500' };
  }
  if (scheme === 'synthetic') return { kind: 'synthetic', params: parseSyntheticParams(spec, rest) };
  if (scheme === 'store' && colon >= 0) return { kind: 'store', params: parseStoreParams(spec, rest) };
  if (/\.csv$/i.test(text)) return { kind: 'csv', path: text };
  const part = colon < 0 ? text : text.slice(0, colon);
  throw specError(spec, `unknown scheme "${part}" (known: csv, sample, synthetic, store)`, { part }, 'Unknown');
}

/** `store:` (everything), `store:SPX,QQQ`, `store:SPX,timeframe=1d`; `db=<file>` names the registry database. */
function parseStoreParams(spec: string, rest: string): StoreParams {
  const params: StoreParams = { symbols: null, timeframe: null, db: null };
  const symbols: string[] = [];
  for (const raw of rest.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq < 0) {
      if (!/^[A-Za-z0-9._^-]+$/.test(item)) throw specError(spec, `"${item}" is not a symbol (letters, digits, . _ ^ -)`, { part: item });
      if (!symbols.includes(item)) symbols.push(item);
      continue;
    }
    const key = item.slice(0, eq).trim().toLowerCase();
    const value = item.slice(eq + 1).trim();
    if (key === 'timeframe' && /^\d+(m|h|d|w)$/.test(value) && !/^0+[mhdw]$/.test(value)) params.timeframe = value;
    else if (key === 'timeframe') throw specError(spec, `timeframe must look like 1h, 4h, 1d or 1w, got "${value}"`, { part: key });
    else if (key === 'db' && value !== '') params.db = value;
    else throw specError(spec, `unknown store parameter "${key}"; valid: symbols (bare names), timeframe`, { part: key });
  }
  if (symbols.length > 0) params.symbols = symbols;
  return params;
}

/** Bars a synthetic spec generates in all (bars x symbols), checked against limits.synthetic_bars; null for other sources. */
export function syntheticBarTotal(spec: DataSpec): number | null {
  return spec.kind === 'synthetic' ? spec.params.bars * spec.params.symbols : null;
}

/** The spec with the registry database named, so a worker thread can open it read-only itself. */
export function withStoreFile(spec: string | undefined, file: string): string | undefined {
  if (spec === undefined) return spec;
  let parsed: DataSpec;
  try {
    parsed = parseDataSpec(spec);
  } catch {
    return spec;
  }
  return parsed.kind === 'store' && parsed.params.db === null
    ? `${spec.trim().replace(/,\s*$/, '')}${/:\s*$/.test(spec) ? '' : ','}db=${file}`
    : spec;
}

function parseSyntheticParams(spec: string, rest: string): SyntheticParams {
  const params: SyntheticParams = { ...SYNTHETIC_DEFAULTS };
  const seen = new Set<string>();
  for (const raw of rest.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq < 0) throw specError(spec, `"${item}" is not key=value`, { part: item });
    const key = item.slice(0, eq).trim().toLowerCase();
    const value = item.slice(eq + 1).trim();
    if (seen.has(key)) throw specError(spec, `"${key}" is given twice`, { part: key });
    seen.add(key);
    switch (key) {
      case 'seed':
        params.seed = integer(spec, key, value, 0, 4294967295);
        break;
      case 'bars':
        params.bars = integer(spec, key, value, 2, MAX_SYNTHETIC_BARS);
        break;
      case 'symbols':
        params.symbols = integer(spec, key, value, 1, MAX_SYNTHETIC_SYMBOLS);
        break;
      case 'regimes':
        params.regimes = integer(spec, key, value, 1, MAX_REGIMES);
        break;
      case 'signal': {
        const n = Number(value);
        if (value === '' || !Number.isFinite(n) || n < 0 || n > 1) {
          throw specError(spec, `signal must be a number from 0 to 1, got "${value}"`, { part: key });
        }
        params.signal = n;
        break;
      }
      case 'family': {
        const family = SYNTHETIC_FAMILIES.find((f) => f === value.toLowerCase());
        if (!family) throw specError(spec, `unknown family "${value}"; valid families: ${SYNTHETIC_FAMILIES.join(', ')}`, { part: key });
        params.family = family;
        break;
      }
      case 'timeframe':
        if (!/^\d+(m|h|d|w)$/.test(value) || /^0+[mhdw]$/.test(value)) {
          throw specError(spec, `timeframe must look like 1m, 5m, 1h, 4h, 1d or 1w, got "${value}"`, { part: key });
        }
        params.timeframe = value;
        break;
      case 'start':
        if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
          throw specError(spec, `start must be an ISO date such as 2010-01-01, got "${value}"`, { part: key });
        }
        params.start = value;
        break;
      default:
        throw specError(
          spec,
          `unknown synthetic parameter "${key}"; valid parameters: seed, bars, symbols, family, signal, regimes, timeframe, start`,
          { part: key },
        );
    }
  }
  return familyParams(spec, params, seen);
}

/** The family's rules: no signal where nothing is predictable, its own volatility process, its default signal. */
function familyParams(spec: string, params: SyntheticParams, given: ReadonlySet<string>): SyntheticParams {
  const f = params.family;
  if (UNPREDICTABLE_FAMILIES.includes(f)) {
    if (params.signal > 0) {
      throw specError(
        spec,
        `family=${f} plants no signal (no function of the past predicts the sign of its returns), so signal=${params.signal} has no meaning; leave signal out, or use family=momentum, mean_reversion or regime_direction`,
        { part: 'signal' },
      );
    }
    if (params.regimes > 1) {
      const own =
        f === 'random_walk'
          ? 'has constant volatility'
          : f === 'garch'
            ? 'makes its volatility by GARCH(1,1)'
            : 'shifts its volatility itself';
      throw specError(spec, `family=${f} ${own}, so regimes=${params.regimes} does not apply; leave regimes out`, { part: 'regimes' });
    }
  }
  if (f === 'regime_direction') {
    if (given.has('regimes') && params.regimes < 2) {
      throw specError(spec, 'family=regime_direction needs a calm and a wild regime: regimes must be 2 or more', { part: 'regimes' });
    }
    if (!given.has('regimes')) params.regimes = 2;
  }
  if ((f === 'mean_reversion' || f === 'regime_direction') && !given.has('signal')) params.signal = DEFAULT_PLANTED_SIGNAL;
  return params;
}

function integer(spec: string, key: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw specError(spec, `${key} must be a whole number from ${min} to ${max}, got "${value}"`, { part: key });
  }
  return n;
}

function specError(spec: string, problem: string, data: Record<string, unknown> = {}, adjective = 'Invalid'): DomainError {
  return new DomainError('INVALID_DATA_SPEC', `${adjective} data spec "${spec}": ${problem}. ${SPEC_USAGE}`, { spec, ...data });
}
