export * from './significance.js';
export * from './combinations.js';
export * from './cpcv.js';
export * from './pbo.js';
