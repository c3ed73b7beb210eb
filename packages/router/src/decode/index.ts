export * from './json.js';
export * from './summary.js';
export * from './stream.js';
export * from './capture.js';
