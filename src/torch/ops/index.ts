// Every typed op wrapper, by family.
export * from './creation.js';
export * from './arith.js';
export * from './activation.js';
export * from './reduce.js';
export * from './linalg.js';
export * from './conv.js';
export * from './shape.js';
export * from './inplace.js';
export * from './loss.js';
