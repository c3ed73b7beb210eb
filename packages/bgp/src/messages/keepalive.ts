import type { Codec } from '../codec.js';

/** A KEEPALIVE: the header alone (RFC 4271 §4.4). */
export interface KeepaliveMessage {
  readonly type: 'KEEPALIVE';
}

export const KEEPALIVE: KeepaliveMessage = Object.freeze({ type: 'KEEPALIVE' });

/*
 * The KEEPALIVE body after the header is empty:
 *
 *   +-----------------------------+
 *   | (no octets: length is 19)   |
 *   +-----------------------------+
 *
 * The header check makes a KEEPALIVE of any other length NOTIFICATION 1/2 before this runs.
 */
export const keepaliveBody: Codec<KeepaliveMessage> = {
  decode(): KeepaliveMessage {
    return { type: 'KEEPALIVE' };
  },
  encode(): void {},
  encodedLength(): number {
    return 0;
  },
};
