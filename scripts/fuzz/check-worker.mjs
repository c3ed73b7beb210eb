// Worker entry for checking one input off the main thread (so a hang can be cut off): registers
// tsx, which Node 20 workers do not inherit, then loads the TypeScript body.
import { register } from 'tsx/esm/api';

register();
await import('./check-main.ts');
