export * from './errors.js';
export * from './iana.js';
export * from './address.js';
export * from './context.js';
export type { Codec } from './codec.js';
export { Reader } from './wire/reader.js';
export { Writer } from './wire/writer.js';
export * from './nlri/registry.js';
export * from './nlri/unicast.js';
