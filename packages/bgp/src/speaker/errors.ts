import { BgpError } from '../errors.js';

/** Stable codes of SpeakerError. */
export const SpeakerErrorCode = {
  /** A configuration value the speaker cannot use. */
  config: 'ERR_BGP_SPEAKER_CONFIG',
  unknownNeighbor: 'ERR_BGP_UNKNOWN_NEIGHBOR',
  duplicateNeighbor: 'ERR_BGP_DUPLICATE_NEIGHBOR',
  /** The speaker was closed. */
  closed: 'ERR_BGP_SPEAKER_CLOSED',
} as const;

export type SpeakerErrorCodeValue = (typeof SpeakerErrorCode)[keyof typeof SpeakerErrorCode];

/** A Speaker API call that cannot be carried out. */
export class SpeakerError extends BgpError {
  constructor(code: SpeakerErrorCodeValue, message: string) {
    super(code, message);
  }
}
