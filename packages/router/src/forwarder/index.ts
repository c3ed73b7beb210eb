/**
 * The DPDK forwarder (native/forwarder, evpn6_forwarder.node): typed commands, events, counters and
 * errors. Loading the addon is lazy; forwarderUnavailable() says what is missing where it is absent.
 */
export { Forwarder, tapName, type CommandFailure, type ForwarderOptions, type ForwarderPort, type ForwarderStats } from './forwarder.js';
export { CommandEncoder, decodeEvents, intentCommands, COMMAND_SIZE, EVENT_SIZE, type ForwarderCommand, type MacEvent, type RawEvent } from './commands.js';
export { forwarderAddonPath, forwarderUnavailable, requireForwarderAddon, reasonNames, type NativePortStats, type NativeStats } from './binding.js';
export { ForwarderError, ForwarderErrorCode, ForwarderNativeError, ForwarderUnavailableError } from './errors.js';
