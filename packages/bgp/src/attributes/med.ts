import { AttrType } from '../iana.js';
import { defineAttribute, OPTIONAL_NON_TRANSITIVE } from './base.js';
import type { AttributeBase } from './base.js';

export interface MultiExitDiscAttribute extends AttributeBase {
  readonly type: 'MULTI_EXIT_DISC';
  readonly med: number;
}

/**
 * MULTI_EXIT_DISC (type 4, optional non-transitive, RFC 4271 §5.1.4):
 *
 *   +-------------------------------+
 *   | MED (4 octets, unsigned)      |
 *   +-------------------------------+
 */
export const multiExitDiscAttribute = defineAttribute<MultiExitDiscAttribute>({
  code: AttrType.MULTI_EXIT_DISC,
  name: 'MULTI_EXIT_DISC',
  flags: OPTIONAL_NON_TRANSITIVE,
  decodeValue(r, flags) {
    return { type: 'MULTI_EXIT_DISC', flags, med: r.u32('MULTI_EXIT_DISC') };
  },
  valueLength: () => 4,
  encodeValue(a, w) {
    w.u32(a.med, 'MULTI_EXIT_DISC');
  },
});
