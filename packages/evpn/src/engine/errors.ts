import { EvpnError } from '../errors.js';

/** Stable codes of EngineError. */
export const EngineErrorCode = {
  /** A VTEP address that is neither IPv4 nor IPv6 text. */
  vtep: 'ERR_EVPN_ENGINE_VTEP',
  mac: 'ERR_EVPN_ENGINE_MAC',
  ip: 'ERR_EVPN_ENGINE_IP',
  rd: 'ERR_EVPN_ENGINE_RD',
  routeTarget: 'ERR_EVPN_ENGINE_RT',
  /** VNI outside 1..2^24-1, or a VNI that cannot get an automatic RD/RT. */
  vni: 'ERR_EVPN_ENGINE_VNI',
  unknownVni: 'ERR_EVPN_ENGINE_UNKNOWN_VNI',
  config: 'ERR_EVPN_ENGINE_CONFIG',
} as const;

export type EngineErrorCodeValue = (typeof EngineErrorCode)[keyof typeof EngineErrorCode];

/**
 * Bad input to the MAC-VRF engine (configuration or locally learned data); an EvpnError, so a
 * BgpError too. Remote routes never throw: the engine trusts the adapter's canonical text for them.
 */
export class EngineError extends EvpnError {
  constructor(code: EngineErrorCodeValue, message: string) {
    super(code, message);
  }
}
