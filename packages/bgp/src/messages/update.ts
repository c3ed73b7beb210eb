// PLACEHOLDER owned by the attributes/UPDATE work: replace entirely.
import type { Codec } from '../codec.js';
import { BgpError } from '../errors.js';

export interface UpdateMessage {
  readonly type: 'UPDATE';
}

/** The UPDATE body (after the 19-byte header). */
export const updateBody: Codec<UpdateMessage> = {
  decode() {
    throw new BgpError('ERR_BGP_TODO', 'UPDATE codec not written yet');
  },
  encode() {
    throw new BgpError('ERR_BGP_TODO', 'UPDATE codec not written yet');
  },
  encodedLength() {
    throw new BgpError('ERR_BGP_TODO', 'UPDATE codec not written yet');
  },
};
