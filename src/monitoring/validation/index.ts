export * from './significance.js';
export * from './combinations.js';
export * from './cpcv.js';
export * from './pbo.js';
export * from './bootstrap.js';
export * from './evidence.js';
