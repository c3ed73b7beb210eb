import type { NlriCodec, NlriRegistry } from '../nlri/registry.js';
import { familyKey } from '../iana.js';
import { SpeakerError, SpeakerErrorCode } from './errors.js';

/** A family by registry name ("ipv6-unicast", "l2vpn-evpn") or by numbers. */
export type FamilyInput = string | { readonly afi: number; readonly safi: number };

/** A family the speaker can carry: its numbers, key and codec. */
export interface FamilyInfo {
  readonly afi: number;
  readonly safi: number;
  /** familyKey(afi, safi): how the RIB files it. */
  readonly key: number;
  readonly name: string;
  readonly codec: NlriCodec;
}

export function resolveFamily(input: FamilyInput, registry: NlriRegistry): FamilyInfo {
  const codec = typeof input === 'string' ? registry.byName(input) : registry.get(input.afi, input.safi);
  if (codec === undefined) {
    const text = typeof input === 'string' ? input : `AFI ${input.afi}/SAFI ${input.safi}`;
    throw new SpeakerError(SpeakerErrorCode.config, `no NLRI codec registered for family ${text}`);
  }
  return { afi: codec.afi, safi: codec.safi, key: familyKey(codec.afi, codec.safi), name: codec.name, codec };
}

export function resolveFamilies(inputs: readonly FamilyInput[], registry: NlriRegistry): FamilyInfo[] {
  const out: FamilyInfo[] = [];
  for (const i of inputs) {
    const f = resolveFamily(i, registry);
    if (!out.some((o) => o.key === f.key)) out.push(f);
  }
  return out;
}
