import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import type { CodecContext } from '../context.js';
import type { Codec } from '../codec.js';
import type { NlriCodec } from '../nlri/registry.js';
import type { IpPrefix } from '../nlri/unicast.js';
import { ipv4Unicast } from '../nlri/unicast.js';
import { Afi, AttrType, ErrorCode, HEADER_LENGTH, HeaderErrorSubcode, MAX_EXTENDED_MESSAGE_LENGTH, MAX_MESSAGE_LENGTH, Safi, UpdateErrorSubcode } from '../iana.js';
import { BgpError, EncodeError, NotificationError } from '../errors.js';
import { pathAttribute } from '../attributes/path-attribute.js';
import type { PathAttribute } from '../attributes/path-attribute.js';
import { decodePathAttributes, newAttributeListState } from '../attributes/attribute-list.js';
import { decodeNlriList, encodeNlriList, nlriListIsEmpty, nlriListLength } from '../attributes/nlri-list.js';
import { actionRank, Rfc7606Reason, strongerAction } from '../attributes/rules.js';
import type { ErrorAction } from '../attributes/rules.js';
import type { Family, FamilyRoutes, UpdateErrorReport, UpdateProblem } from '../attributes/report.js';
import type { MpReachAttribute } from '../attributes/mp-reach.js';

/**
 * An UPDATE message (RFC 4271 §4.3). `withdrawn` and `nlri` are the IPv4 unicast fields of
 * the body; every other family travels in the MP_REACH_NLRI / MP_UNREACH_NLRI attributes.
 * `attributes` are in wire order.
 */
export interface UpdateMessage {
  readonly type: 'UPDATE';
  readonly withdrawn: readonly IpPrefix[];
  readonly attributes: readonly PathAttribute[];
  readonly nlri: readonly IpPrefix[];
  /**
   * Set by the decoder only when RFC 7606 error handling found problems that do not end the
   * session; `attributes` then already lack the discarded or malformed ones.
   */
  readonly report?: UpdateErrorReport;
}

const EMPTY = new Uint8Array(0);

function ipv4Codec(ctx: CodecContext): NlriCodec<IpPrefix> {
  return (ctx.registry.get(Afi.IPV4, Safi.UNICAST) as NlriCodec<IpPrefix> | undefined) ?? ipv4Unicast;
}

/** The IPv4 withdrawn routes or NLRI field; any parse error ends the session (RFC 4271 §6.3, RFC 7606 §5.3). */
function decodePrefixes(r: Reader, ctx: CodecContext, field: string): IpPrefix[] {
  try {
    return decodeNlriList(r, Afi.IPV4, Safi.UNICAST, ctx, ipv4Codec(ctx)) as IpPrefix[];
  } catch (e) {
    if (e instanceof BgpError) {
      throw new NotificationError(ErrorCode.UPDATE_MESSAGE, UpdateErrorSubcode.INVALID_NETWORK_FIELD, EMPTY, `${field}: ${e.message}`);
    }
    throw e;
  }
}

function malformedList(detail: string): NotificationError {
  return new NotificationError(ErrorCode.UPDATE_MESSAGE, UpdateErrorSubcode.MALFORMED_ATTRIBUTE_LIST, EMPTY, detail);
}

/** RFC 7606 §3 d: ORIGIN and AS_PATH whenever there are NLRI, NEXT_HOP too for body NLRI. */
const MANDATORY_WITH_MP_NLRI: readonly number[] = [AttrType.ORIGIN, AttrType.AS_PATH];
const MANDATORY_WITH_IPV4_NLRI: readonly number[] = [AttrType.ORIGIN, AttrType.AS_PATH, AttrType.NEXT_HOP];

function finishReport(problems: UpdateProblem[], nlri: readonly IpPrefix[], mpReach: MpReachAttribute | undefined): UpdateErrorReport {
  let action: ErrorAction | undefined;
  let withdrawing = false;
  const disable: Family[] = [];
  for (const p of problems) {
    action = strongerAction(action, p.action);
    if (p.action === 'treat-as-withdraw') withdrawing = true;
    if (p.action === 'afisafi-disable' && p.family && !disable.some((f) => f.afi === p.family!.afi && f.safi === p.family!.safi)) {
      disable.push(p.family);
    }
  }
  const withdraw: FamilyRoutes[] = [];
  if (withdrawing) {
    if (nlri.length > 0) withdraw.push({ afi: Afi.IPV4, safi: Safi.UNICAST, nlri });
    if (mpReach && !nlriListIsEmpty(mpReach.nlri)) withdraw.push({ afi: mpReach.afi, safi: mpReach.safi, nlri: mpReach.nlri });
  }
  return { action: action!, problems, withdraw, disable };
}

/**
 * The UPDATE body (everything after the 19-byte header), RFC 4271 §4.3:
 *
 *   +-----------------------------------------------------+
 *   |   Withdrawn Routes Length (2 octets)                |
 *   +-----------------------------------------------------+
 *   |   Withdrawn Routes (variable)                       |
 *   +-----------------------------------------------------+
 *   |   Total Path Attribute Length (2 octets)            |
 *   +-----------------------------------------------------+
 *   |   Path Attributes (variable)                        |
 *   +-----------------------------------------------------+
 *   |   Network Layer Reachability Information (variable) |
 *   +-----------------------------------------------------+
 *
 * Decoding applies RFC 7606: problems that do not end the session come back in
 * `report`; the rest throw NotificationError(3, subcode, data) (or 1/2 for a body too
 * short to be an UPDATE). The reader must be bounded to the body.
 */
export const updateBody: Codec<UpdateMessage> = {
  decode(r: Reader, ctx: CodecContext): UpdateMessage {
    if (r.remaining < 4) {
      const len = new Uint8Array(2);
      new DataView(len.buffer).setUint16(0, HEADER_LENGTH + r.remaining);
      throw new NotificationError(ErrorCode.MESSAGE_HEADER, HeaderErrorSubcode.BAD_MESSAGE_LENGTH, len, 'UPDATE shorter than 23 bytes');
    }
    const withdrawnLength = r.u16();
    if (withdrawnLength + 2 > r.remaining) throw malformedList(`withdrawn routes length ${withdrawnLength} overruns the message`);
    const withdrawn = decodePrefixes(r.sub(withdrawnLength), ctx, 'withdrawn routes');
    const attributesLength = r.u16();
    if (attributesLength > r.remaining) throw malformedList(`total path attribute length ${attributesLength} overruns the message`);
    const attributesStart = r.pos;
    const state = newAttributeListState();
    const attributes = decodePathAttributes(r.sub(attributesLength), ctx, state);
    const nlri = decodePrefixes(r.sub(r.remaining), ctx, 'NLRI');

    let mpReach: MpReachAttribute | undefined;
    for (const a of attributes) if (a.type === 'MP_REACH_NLRI') mpReach = a;
    const problems = state.problems;
    if (nlri.length > 0 || (mpReach && !nlriListIsEmpty(mpReach.nlri))) {
      const mandatory = nlri.length > 0 ? MANDATORY_WITH_IPV4_NLRI : MANDATORY_WITH_MP_NLRI;
      for (const code of mandatory) {
        if (!state.seen(code)) {
          problems.push({
            action: 'treat-as-withdraw',
            reason: Rfc7606Reason.missingWellKnown,
            attributeCode: code,
            offset: attributesStart,
            subcode: UpdateErrorSubcode.MISSING_WELL_KNOWN_ATTRIBUTE,
            data: Uint8Array.of(code),
            family: undefined,
          });
        }
      }
    }
    if (problems.length === 0) return { type: 'UPDATE', withdrawn, attributes, nlri };
    return { type: 'UPDATE', withdrawn, attributes, nlri, report: finishReport(problems, nlri, mpReach) };
  },

  encode(m: UpdateMessage, w: Writer, ctx: CodecContext): void {
    const lengths = fieldLengths(m, ctx);
    const codec = ipv4Codec(ctx);
    w.u16(lengths.withdrawn, 'withdrawn routes length');
    encodeNlriList(m.withdrawn, w, Afi.IPV4, Safi.UNICAST, ctx, codec);
    w.u16(lengths.attributes, 'total path attribute length');
    for (const a of m.attributes) pathAttribute.encode(a, w, ctx);
    encodeNlriList(m.nlri, w, Afi.IPV4, Safi.UNICAST, ctx, codec);
  },

  encodedLength(m: UpdateMessage, ctx: CodecContext): number {
    const lengths = fieldLengths(m, ctx);
    return 4 + lengths.withdrawn + lengths.attributes + lengths.nlri;
  },
};

function fieldLengths(m: UpdateMessage, ctx: CodecContext): { withdrawn: number; attributes: number; nlri: number } {
  const codec = ipv4Codec(ctx);
  const withdrawn = nlriListLength(m.withdrawn, Afi.IPV4, Safi.UNICAST, ctx, codec);
  let attributes = 0;
  for (const a of m.attributes) attributes += pathAttribute.encodedLength(a, ctx);
  const nlri = nlriListLength(m.nlri, Afi.IPV4, Safi.UNICAST, ctx, codec);
  const max = (ctx.extendedMessage ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH) - HEADER_LENGTH;
  const total = 4 + withdrawn + attributes + nlri;
  if (total > max) throw new EncodeError('UPDATE', `body of ${total} bytes exceeds ${max} (split the routes over several UPDATEs)`);
  return { withdrawn, attributes, nlri };
}

/** True when the report (if any) asks the session to do more than drop attributes. */
export function updateAffectsRoutes(m: UpdateMessage): boolean {
  return m.report !== undefined && actionRank(m.report.action) > actionRank('discard');
}

/**
 * End-of-RIB marker (RFC 4724 §2): for IPv4 unicast an UPDATE with nothing in it; for any
 * other family an UPDATE holding only an MP_UNREACH_NLRI with no withdrawn routes.
 */
export function endOfRib(afi: number = Afi.IPV4, safi: number = Safi.UNICAST): UpdateMessage {
  if (afi === Afi.IPV4 && safi === Safi.UNICAST) return { type: 'UPDATE', withdrawn: [], attributes: [], nlri: [] };
  return { type: 'UPDATE', withdrawn: [], attributes: [{ type: 'MP_UNREACH_NLRI', afi, safi, withdrawn: [] }], nlri: [] };
}

/** The family whose End-of-RIB this UPDATE is, or undefined when it is not one. */
export function endOfRibFamily(m: UpdateMessage): Family | undefined {
  // An UPDATE emptied by error handling is not a marker.
  if (m.report !== undefined || m.withdrawn.length !== 0 || m.nlri.length !== 0) return undefined;
  if (m.attributes.length === 0) return { afi: Afi.IPV4, safi: Safi.UNICAST };
  const only = m.attributes[0]!;
  if (m.attributes.length === 1 && only.type === 'MP_UNREACH_NLRI' && nlriListIsEmpty(only.withdrawn)) {
    return { afi: only.afi, safi: only.safi };
  }
  return undefined;
}
