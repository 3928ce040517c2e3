import { DomainError } from '../../domain/errors.js';
import { indicatorCatalog } from '../../domain/indicators.js';
import type { Strategy } from '../../domain/strategy.js';
import type { MarketData } from '../data/types.js';
import { featureIndicators } from './build.js';

/**
 * Refuses a strategy whose indicators read a bar field the data does not have (atr on a close-only
 * file, obv without volume): they would train on constants. Labels and lagged returns read only
 * the close, which every source has. The error names the indicators and the missing fields.
 */
export function assertDataFits(strategy: Strategy, data: MarketData): void {
  const missing = new Set<string>(data.missingFields ?? []);
  if (missing.size === 0) return;
  const offending = featureIndicators(strategy)
    .map((def) => ({ id: def.id, type: def.type, needs: indicatorCatalog[def.type].inputs.filter((f) => missing.has(f)) }))
    .filter((d) => d.needs.length > 0);
  if (offending.length === 0) return;
  const fields = [...new Set(offending.flatMap((d) => d.needs))];
  const list = offending.map((d) => `${d.id} (${d.type}) needs ${d.needs.join(', ')}`).join('; ');
  throw new DomainError(
    'INVALID_DATA',
    `${data.source} has no ${fields.join(', ')}: ${list}. Remove ${offending.length > 1 ? 'these indicators' : 'this indicator'} from the strategy's features, ` +
      `or train on data with ${fields.join(', ')} (${fields.includes('volume') ? 'a volume column' : 'open, high, low and close columns'}).`,
    { source: data.source, missing_fields: fields, indicators: offending },
  );
}
