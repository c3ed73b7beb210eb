// Worker entry: worker threads do not inherit tsx's loader on Node 20, so register it here and
// load the TypeScript worker body.
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
