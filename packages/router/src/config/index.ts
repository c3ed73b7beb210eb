export * from './types.js';
export * from './errors.js';
export { checkConfig } from './parse.js';
export type { ConfigCheck } from './parse.js';
export * from './load.js';
export { summarizeConfig } from './summary.js';
