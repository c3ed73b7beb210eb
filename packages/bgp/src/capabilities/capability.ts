import type { Codec } from '../codec.js';
import type { CapabilityValueCodec } from './codec.js';
import type { MultiprotocolCapability } from './multiprotocol.js';
import type { RouteRefreshCapability, EnhancedRouteRefreshCapability, ExtendedMessageCapability } from './empty.js';
import type { ExtendedNextHopCapability } from './extended-next-hop.js';
import type { GracefulRestartCapability } from './graceful-restart.js';
import type { FourOctetAsCapability } from './four-octet-as.js';
import type { AddPathCapability } from './add-path.js';
import type { FqdnCapability } from './fqdn.js';
import { multiprotocolCapability } from './multiprotocol.js';
import { routeRefreshCapability, enhancedRouteRefreshCapability, extendedMessageCapability } from './empty.js';
import { extendedNextHopCapability } from './extended-next-hop.js';
import { gracefulRestartCapability } from './graceful-restart.js';
import { fourOctetAsCapability } from './four-octet-as.js';
import { addPathCapability } from './add-path.js';
import { fqdnCapability } from './fqdn.js';
import { badCapability } from './codec.js';
import { Writer } from '../wire/writer.js';
import { Reader } from '../wire/reader.js';
import { bytesEqual } from '../address.js';
import { EncodeError } from '../errors.js';

/**
 * A capability we do not interpret (Cisco's pre-standard route refresh 128, long-lived graceful
 * restart, BGP role...): its value is kept as received and re-encoded as is.
 */
export interface UnknownCapability {
  readonly kind: 'unknown';
  readonly code: number;
  readonly value: Uint8Array;
}

export type Capability =
  | MultiprotocolCapability
  | RouteRefreshCapability
  | ExtendedNextHopCapability
  | ExtendedMessageCapability
  | GracefulRestartCapability
  | FourOctetAsCapability
  | AddPathCapability
  | EnhancedRouteRefreshCapability
  | FqdnCapability
  | UnknownCapability;

export type KnownCapability = Exclude<Capability, UnknownCapability>;
export type CapabilityKind = Capability['kind'];

/** The value codecs by kind; the TLV codec below picks one by code. */
export const capabilityCodecs = {
  multiprotocol: multiprotocolCapability,
  'route-refresh': routeRefreshCapability,
  'extended-next-hop': extendedNextHopCapability,
  'extended-message': extendedMessageCapability,
  'graceful-restart': gracefulRestartCapability,
  'four-octet-as': fourOctetAsCapability,
  'add-path': addPathCapability,
  'enhanced-route-refresh': enhancedRouteRefreshCapability,
  fqdn: fqdnCapability,
} as const satisfies { [K in KnownCapability['kind']]: CapabilityValueCodec<Extract<KnownCapability, { kind: K }>> };

const byCode = new Map<number, CapabilityValueCodec<KnownCapability>>();
for (const c of Object.values(capabilityCodecs)) byCode.set(c.code, c as CapabilityValueCodec<KnownCapability>);

/** The capability code a value is sent with. */
export function capabilityCode(c: Capability): number {
  return c.kind === 'unknown' ? c.code : capabilityCodecs[c.kind].code;
}

function valueCodec(c: KnownCapability): CapabilityValueCodec<KnownCapability> {
  return capabilityCodecs[c.kind] as CapabilityValueCodec<KnownCapability>;
}

function valueLength(c: Capability): number {
  if (c.kind === 'unknown') return c.value.length;
  if (c.raw !== undefined) return c.raw.length;
  return valueCodec(c).encodedLength(c);
}

/*
 * One capability in a Capabilities optional parameter (RFC 5492 §4):
 *
 *   +------------------------------+
 *   | Capability Code (1 octet)    |
 *   +------------------------------+
 *   | Capability Length (1 octet)  |
 *   +------------------------------+
 *   | Capability Value (variable)  |
 *   ~                              ~
 *   +------------------------------+
 *
 * The length stays one octet even inside an RFC 9072 extended optional parameter.
 */
export const capabilityCodec: Codec<Capability, void> = {
  decode(r: Reader): Capability {
    const code = r.u8('capability code');
    const length = r.u8('capability length');
    const known = byCode.get(code);
    if (known === undefined) return { kind: 'unknown', code, value: r.copy(length, 'capability value') };
    const vr = r.sub(length, 'capability value');
    const start = vr.pos;
    const typed = known.decode(vr);
    if (!vr.done) badCapability(vr, `code ${code}`, `${vr.remaining} bytes left after the value`);
    const received = r.buf.subarray(start, vr.end);
    if (!encodesTo(known, typed, received)) return { ...typed, raw: received.slice() };
    return typed;
  },
  encode(c: Capability, w: Writer): void {
    const n = valueLength(c);
    if (n > 255) throw new EncodeError('capability', `code ${capabilityCode(c)} value is ${n} bytes, at most 255`);
    w.u8(capabilityCode(c), 'capability code');
    w.u8(n);
    if (c.kind === 'unknown') w.bytes(c.value);
    else if (c.raw !== undefined) w.bytes(c.raw);
    else valueCodec(c).encode(c, w);
  },
  encodedLength(c: Capability): number {
    return 2 + valueLength(c);
  },
};

/** Whether the typed fields alone reproduce the bytes received (if not, the value keeps `raw`). */
function encodesTo(codec: CapabilityValueCodec<KnownCapability>, value: KnownCapability, received: Uint8Array): boolean {
  if (codec.encodedLength(value) !== received.length) return false;
  if (received.length === 0) return true;
  const w = new Writer(new Uint8Array(received.length));
  codec.encode(value, w);
  return bytesEqual(w.buf, received);
}

/** Decodes the run of capabilities that fills `r` (a Capabilities parameter's value). */
export function decodeCapabilities(r: Reader): Capability[] {
  const out: Capability[] = [];
  while (!r.done) out.push(capabilityCodec.decode(r));
  return out;
}

/** Exposed for tests and tools: one capability TLV from bytes. */
export function decodeCapability(bytes: Uint8Array): Capability {
  const r = new Reader(bytes);
  const c = capabilityCodec.decode(r);
  if (!r.done) badCapability(r, 'TLV', `${r.remaining} bytes after the capability`);
  return c;
}
