import { RouterError } from '../errors.js';

/** Stable codes of PcapError. */
export const PcapErrorCode = {
  /** Not a classic pcap or pcapng file (unknown magic number). */
  format: 'ERR_PCAP_FORMAT',
  /** A structure inside the file contradicts itself (a block length smaller than its header...). */
  malformed: 'ERR_PCAP_MALFORMED',
} as const;

/** A capture file that cannot be read. */
export class PcapError extends RouterError {}
