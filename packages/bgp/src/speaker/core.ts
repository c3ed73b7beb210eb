import type net from 'node:net';
import type { Nlri, NlriRegistry } from '../nlri/registry.js';
import type { Rib } from '../rib/rib.js';
import type { AdjRibOut } from '../rib/adj-rib-out.js';
import type { Logger } from '../session/logger.js';
import type { RouteAttributes } from './routes.js';
import type { MaxPrefixEvent, PeerStateChange } from './types.js';

/** What a neighbor needs from the speaker it belongs to. */
export interface SpeakerCore {
  readonly asn: number;
  readonly routerId: string;
  /** The router id as an unsigned 32-bit integer. */
  readonly routerIdNumber: number;
  readonly clusterId: number;
  readonly registry: NlriRegistry;
  readonly extendedMessage: boolean;
  readonly connectPort: number;
  readonly rib: Rib<Nlri, RouteAttributes>;
  readonly out: AdjRibOut<Nlri, RouteAttributes, RouteAttributes>;
  readonly logger: Logger;
  peerState(change: PeerStateChange): void;
  maxPrefix(event: MaxPrefixEvent): void;
  /** A socket closing after a NOTIFICATION: close() waits for it. */
  closing(socket: net.Socket): void;
}
