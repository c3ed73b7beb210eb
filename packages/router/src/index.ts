export * from './errors.js';
export * from './config/index.js';
export * from './pcap/index.js';
export * from './decode/index.js';
export { main as runCli } from './cli/main.js';
export type { CliIo } from './cli/output.js';
export * as netlink from './netlink/index.js';
export * as dataplane from './dataplane/index.js';
export * as show from './show/index.js';
