export type { Bars, LoadOptions, MarketData } from './types.js';
export { barCount } from './types.js';
export { loadMarketData, checkDataSpecAccess, specFile } from './load.js';
export {
  parseDataSpec,
  withStoreFile,
  SPEC_USAGE,
  SYNTHETIC_DEFAULTS,
  SYNTHETIC_FAMILIES,
  UNPREDICTABLE_FAMILIES,
  type DataSpec,
  type SyntheticFamily,
  type StoreParams,
  type SyntheticParams,
} from './spec.js';
export { readStoredBars, readStoreFile, type StoredSeries } from './store.js';
export { packBars, unpackBars, packedSize, type PackedBars } from './packed.js';
export { parseCsv, readCsv, type CsvOptions, type CsvResult } from './csv.js';
export { readCsvFile } from './csv-file.js';
export { decodeCsvBytes } from './decode.js';
export { loadSample, bundledDataDir, SAMPLES, type SampleName } from './sample.js';
export { generateSynthetic, SIGNAL_LOOKBACK } from './synthetic.js';
export { resampleBars, assertResamplable } from './resample.js';
export { inferTimeframe, timeframeMinutes, timeframeMs, formatTimeframe, STANDARD_TIMEFRAMES } from './timeframe.js';
export { periodsPerYear, periodsPerYearOf, tradingCalendar, type CalendarInfo, type TradingCalendar } from './periods.js';
export { selectSymbols, filterRange, coverage } from './filter.js';
export { hashBars } from './hash.js';
export { parseTimestamp, formatTime } from './timestamp.js';
export { MAX_LISTED_PROBLEMS, type DataProblem } from './problems.js';
