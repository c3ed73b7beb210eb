export * from './errors.js';
export * from './file.js';
export * from './frame.js';
export * from './reassembly.js';
export * from './write.js';
