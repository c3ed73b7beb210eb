export * from './errors.js';
export * from './topology.js';
export * from './config.js';
export * from './checks.js';
export * from './routers.js';
export * from './lab.js';
export { runDemoScenario, renderLogLine } from './demo.js';
export type { DemoOptions, DemoOutcome } from './demo.js';
export { queryJson, queryText } from './query.js';
