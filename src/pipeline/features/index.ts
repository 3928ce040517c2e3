/** Public API of the feature stage: indicators -> fuzzy memberships -> feature columns, and labels. */
export { computeIndicators, computeIndicator, indicatorWarmup, outputKey, type IndicatorOptions } from './indicators.js';
export { membership } from './fuzzy.js';
export { buildFeatures, buildFeaturesMulti, featureIndicators, type FeatureSet } from './build.js';
export { assertDataFits } from './data-needs.js';
export { buildLabels, labelForwardReturns, DOWN, FLAT, UP, UNLABELED } from './labels.js';
export { observedBarsPerYear } from './volatility.js';
