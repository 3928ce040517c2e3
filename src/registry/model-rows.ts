import { modelVersionSchema, promotionRecordSchema, type ModelVersion, type PromotionRecord } from '../domain/model-version.js';
import { fromJson } from './json-columns.js';

export type Row = Record<string, unknown>;

/** A model_versions row, parsed back through the domain schema (JSON columns, 0/1 booleans). */
export function parseVersion(row: Row): ModelVersion {
  return modelVersionSchema.parse({
    ...row,
    lineage: fromJson(row['lineage']),
    metrics: fromJson(row['metrics']),
    ever_in_production: row['ever_in_production'] === 1,
  });
}

/** A promotion_history row, parsed back through the domain schema. */
export function parseRecord(row: Row): PromotionRecord {
  return promotionRecordSchema.parse({ ...row, gate_result: fromJson(row['gate_result']), forced: row['forced'] === 1 });
}
