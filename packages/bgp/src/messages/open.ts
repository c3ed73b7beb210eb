import type { Codec } from '../codec.js';
import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import type { Capability } from '../capabilities/capability.js';
import type { FourOctetAsCapability } from '../capabilities/four-octet-as.js';
import { capabilityCodec, decodeCapabilities } from '../capabilities/capability.js';
import { AS_TRANS, ErrorCode, OpenErrorSubcode, OptionalParameterType } from '../iana.js';
import { DecodeError, DecodeErrorCode, EncodeError, NotificationError } from '../errors.js';
import { formatIpv4, parseIpv4 } from '../address.js';

export const BGP_VERSION = 4;

/**
 * An OPEN message. Capabilities keep the grouping they arrived in: one inner array per
 * Capabilities optional parameter (GoBGP puts all in one, others send one parameter each),
 * so a decoded OPEN re-encodes byte-identical. Use `openCapabilities` for the flat list.
 */
export interface OpenMessage {
  readonly type: 'OPEN';
  /** The 2-octet My Autonomous System field: AS_TRANS (23456) when the real AS needs 4 octets. */
  readonly myAs: number;
  /** Seconds; 0 means no keepalives and no hold timer. 1 and 2 are not allowed (RFC 4271 §4.2). */
  readonly holdTime: number;
  /** BGP Identifier, dotted quad. */
  readonly bgpId: string;
  readonly capabilityGroups: readonly (readonly Capability[])[];
  /** RFC 9072 extended optional parameters encoding (sent when needed or when this is true). */
  readonly extendedOptionalParameters: boolean;
}

function openError(subcode: number, detail: string, data?: Uint8Array): never {
  throw new NotificationError(ErrorCode.OPEN_MESSAGE, subcode, data, detail);
}

/*
 * The OPEN body after the header (RFC 4271 §4.2):
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+
 *   |    Version    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |     My Autonomous System      |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |           Hold Time           |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                         BGP Identifier                        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   | Opt Parm Len  |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |             Optional Parameters (variable)                    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * each optional parameter being  | Parm. Type (1) | Parm. Length (1) | Parm. Value |.
 *
 * RFC 9072 extended form, chosen by the receiver when the octet after Opt Parm Len is 255:
 *
 *   |Non-Ext OP Len.|Non-Ext OP Type| Extended Opt. Parm. Length    |
 *   |     (255)     |     (255)     |         (2 octets)            |
 *
 * followed by parameters with a 2-octet Parm. Length. The receiver ignores Non-Ext OP Len
 * in that form; we always send 255 there, so a peer's odd value there is not reproduced.
 *
 * Only the Capabilities parameter (type 2, RFC 5492) is understood; any other type is
 * NOTIFICATION 2/4 Unsupported Optional Parameter.
 */
export const openBody: Codec<OpenMessage> = {
  decode(r: Reader): OpenMessage {
    const version = r.u8('version');
    if (version !== BGP_VERSION) {
      openError(OpenErrorSubcode.UNSUPPORTED_VERSION, `version ${version}`, Uint8Array.of(0, BGP_VERSION));
    }
    const myAs = r.u16('my AS');
    const holdTime = r.u16('hold time');
    if (holdTime === 1 || holdTime === 2) openError(OpenErrorSubcode.UNACCEPTABLE_HOLD_TIME, `hold time ${holdTime}`);
    const idAt = r.pos;
    r.need(4, 'BGP identifier');
    const bgpId = formatIpv4(r.buf, idAt);
    if (r.u32('BGP identifier') === 0) openError(OpenErrorSubcode.BAD_BGP_IDENTIFIER, 'BGP identifier 0.0.0.0');
    const optLength = r.u8('optional parameters length');
    const capabilityGroups: Capability[][] = [];
    let extendedOptionalParameters = false;
    if (optLength !== 0) {
      r.need(1, 'optional parameter type');
      extendedOptionalParameters = r.buf[r.pos] === OptionalParameterType.EXTENDED_LENGTH;
      let params: Reader;
      if (extendedOptionalParameters) {
        r.skip(1);
        params = r.sub(r.u16('extended optional parameters length'), 'optional parameters');
      } else {
        params = r.sub(optLength, 'optional parameters');
      }
      while (!params.done) {
        const paramAt = params.pos;
        const type = params.u8('parameter type');
        const length = extendedOptionalParameters ? params.u16('parameter length') : params.u8('parameter length');
        const value = params.sub(length, 'parameter value');
        if (type !== OptionalParameterType.CAPABILITIES) {
          openError(OpenErrorSubcode.UNSUPPORTED_OPTIONAL_PARAMETER, `optional parameter type ${type} at ${paramAt}`);
        }
        capabilityGroups.push(decodeCapabilities(value));
      }
    }
    if (!r.done) throw new DecodeError(DecodeErrorCode.length, 'OPEN', r.pos, `${r.remaining} bytes after the optional parameters`);
    return { type: 'OPEN', myAs, holdTime, bgpId, capabilityGroups, extendedOptionalParameters };
  },

  encode(m: OpenMessage, w: Writer): void {
    if (m.holdTime === 1 || m.holdTime === 2) throw new EncodeError('OPEN hold time', `${m.holdTime} is not allowed (0 or >= 3)`);
    let id: Uint8Array;
    try {
      id = parseIpv4(m.bgpId);
    } catch {
      throw new EncodeError('OPEN BGP identifier', `"${m.bgpId}" is not a dotted quad`);
    }
    w.u8(BGP_VERSION);
    w.u16(m.myAs, 'OPEN my AS');
    w.u16(m.holdTime, 'OPEN hold time');
    w.bytes(id);
    const extended = usesExtendedParameters(m);
    if (extended) {
      w.u8(OptionalParameterType.EXTENDED_LENGTH);
      w.u8(OptionalParameterType.EXTENDED_LENGTH);
      w.u16(parametersLength(m, true) - 4, 'extended optional parameters length');
    } else {
      w.u8(parametersLength(m, false) - 1, 'optional parameters length');
    }
    for (const group of m.capabilityGroups) {
      w.u8(OptionalParameterType.CAPABILITIES);
      const n = groupLength(group);
      if (extended) w.u16(n, 'capabilities parameter length');
      else w.u8(n, 'capabilities parameter length');
      for (const c of group) capabilityCodec.encode(c, w);
    }
  },

  encodedLength(m: OpenMessage): number {
    return 9 + parametersLength(m, usesExtendedParameters(m));
  },
};

function groupLength(group: readonly Capability[]): number {
  let n = 0;
  for (const c of group) n += capabilityCodec.encodedLength(c);
  return n;
}

/** Bytes from Opt Parm Len to the end, in the chosen form. */
function parametersLength(m: OpenMessage, extended: boolean): number {
  let n = extended ? 4 : 1;
  for (const g of m.capabilityGroups) n += (extended ? 3 : 2) + groupLength(g);
  return n;
}

/** RFC 9072 §2: the extended form is required once parameters (or one parameter) exceed 255 bytes. */
function usesExtendedParameters(m: OpenMessage): boolean {
  if (m.extendedOptionalParameters) return true;
  if (m.capabilityGroups.some((g) => groupLength(g) > 255)) return true;
  return parametersLength(m, false) - 1 > 255;
}

/** Every capability of an OPEN, in order, whatever parameters they came in. */
export function openCapabilities(m: OpenMessage): Capability[] {
  return m.capabilityGroups.flat();
}

/** The first capability of a kind, if the OPEN has one. */
export function findCapability<K extends Capability['kind']>(m: OpenMessage, kind: K): Extract<Capability, { kind: K }> | undefined {
  for (const g of m.capabilityGroups) for (const c of g) if (c.kind === kind) return c as Extract<Capability, { kind: K }>;
  return undefined;
}

/** The sender's real AS (RFC 6793 §4.1): the 4-octet AS capability when present, else My AS. */
export function openAs(m: OpenMessage): number {
  return findCapability(m, 'four-octet-as')?.asn ?? m.myAs;
}

export interface OpenOptions {
  readonly asn: number;
  readonly holdTime: number;
  readonly bgpId: string;
  /** Sent in one Capabilities parameter. A 4-octet AS capability carrying `asn` is added unless present. */
  readonly capabilities: readonly Capability[];
  readonly extendedOptionalParameters?: boolean;
}

/** Builds our OPEN: My AS is AS_TRANS when the AS needs 4 octets, and the 4-octet AS capability says the real one. */
export function createOpen(o: OpenOptions): OpenMessage {
  if (!Number.isInteger(o.asn) || o.asn < 1 || o.asn > 0xffffffff) throw new EncodeError('OPEN AS', `${o.asn} is not an AS number`);
  const caps = [...o.capabilities];
  if (!caps.some((c) => c.kind === 'four-octet-as')) {
    const four: FourOctetAsCapability = { kind: 'four-octet-as', asn: o.asn };
    caps.push(four);
  }
  return {
    type: 'OPEN',
    myAs: o.asn > 0xffff ? AS_TRANS : o.asn,
    holdTime: o.holdTime,
    bgpId: o.bgpId,
    capabilityGroups: [caps],
    extendedOptionalParameters: o.extendedOptionalParameters ?? false,
  };
}
