export * from './types.js';
export * from './decision.js';
export * from './rib.js';
export * from './export.js';
export * from './adj-rib-out.js';
export { UPDATE_FIXED_SIZE, OutEntry, packUpdates } from './pack.js';
export type { UpdateSizes, UpdateBatch, PackResult } from './pack.js';
