export type * from './types.js';
export { NoneDataplane } from './none.js';
export { KernelDataplane } from './kernel.js';
export { netlinkOps, DATAPLANE_GROUPS } from './rtnl-ops.js';
export type { RtnlOps, RtnlChangeListener } from './rtnl-ops.js';
export { foldIntents, emptyIntentTable } from './intent-table.js';
export type { IntentTable, TouchedKey } from './intent-table.js';
