/**
 * The forwarder's control commands and events as bytes: the fixed-size records of
 * native/forwarder/dpdk/fwd_dp.h (fwd_dp_cmd, fwd_dp_event), written and read here so the binding
 * only moves bytes. Keep the layouts in step with that header (the addon reports its sizes and ABI).
 */
import type { ForwardingIntent } from '@evpn6/evpn';
import { formatMac, parseIp } from '@evpn6/vxlan';
import { ForwarderError, ForwarderErrorCode } from './errors.js';

/** A change to the forwarder's tables, applied in order by the forwarding lcore between bursts. */
export type ForwarderCommand =
  /** Our VTEP address (IPv6, or IPv4 for IPv4 peers): outer source, and what decap accepts. */
  | { readonly op: 'setLocalVtep'; readonly address: string }
  /** Largest outer IP packet the underlay carries; larger encapsulated frames are fragmented (IPv6). */
  | { readonly op: 'setMtu'; readonly mtu: number }
  /** MAC of the underlay next hop (and an 802.1Q tag, 0 = none); the source is the port's MAC. */
  | { readonly op: 'setUnderlayNextHop'; readonly mac: string; readonly vlan?: number }
  /** LAN port `port` (index into the start options' `lan`) carries VNI `vni`. */
  | { readonly op: 'bindVni'; readonly vni: number; readonly port: number }
  | { readonly op: 'unbindVni'; readonly vni: number }
  | { readonly op: 'addRemoteMac'; readonly vni: number; readonly mac: string; readonly vtep: string }
  | { readonly op: 'removeRemoteMac'; readonly vni: number; readonly mac: string }
  | { readonly op: 'addFloodVtep'; readonly vni: number; readonly vtep: string }
  | { readonly op: 'removeFloodVtep'; readonly vni: number; readonly vtep: string }
  /** VXLAN for `vni` is accepted only from allowed VTEPs (those with a type-3 route). */
  | { readonly op: 'addAllowedVtep'; readonly vni: number; readonly vtep: string }
  | { readonly op: 'removeAllowedVtep'; readonly vni: number; readonly vtep: string }
  /** Forgets learned MACs, and with `remote` the control plane's entries too. */
  | { readonly op: 'flush'; readonly remote: boolean };

export type ForwarderOp = ForwarderCommand['op'] | 'nop';

/** enum fwd_dp_op */
export const OP_CODES: Readonly<Record<ForwarderOp, number>> = {
  nop: 0,
  setLocalVtep: 1,
  setMtu: 2,
  setUnderlayNextHop: 3,
  bindVni: 4,
  unbindVni: 5,
  addRemoteMac: 6,
  removeRemoteMac: 7,
  addFloodVtep: 8,
  removeFloodVtep: 9,
  addAllowedVtep: 10,
  removeAllowedVtep: 11,
  flush: 12,
};
const OP_NAMES: readonly ForwarderOp[] = Object.entries(OP_CODES)
  .sort((a, b) => a[1] - b[1])
  .map(([name]) => name as ForwarderOp);

/** Name of an op code, for errors the lcore reports. */
export function opName(code: number): ForwarderOp | `op${number}` {
  return OP_NAMES[code] ?? `op${code}`;
}

export const COMMAND_SIZE = 44;
export const EVENT_SIZE = 16;
/** FWD_CMD_ACK: the lcore answers with an ACK event once the command is applied. */
export const FLAG_ACK = 1;

function bad(detail: string, cause?: unknown): ForwarderError {
  return new ForwarderError(ForwarderErrorCode.badCommand, detail, cause === undefined ? undefined : { cause });
}

function checkVni(vni: number): number {
  if (!Number.isInteger(vni) || vni < 0 || vni > 0xffffff) throw bad(`VNI ${vni} is not a 24-bit number`);
  return vni;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/**
 * Writes "02:00:5e:00:53:01" (or with dashes) as 6 bytes at out[offset]. A bulk load carries a
 * million distinct MACs, so this reads characters directly instead of splitting strings.
 */
function putMac(text: string, out: Uint8Array, offset: number): void {
  if (text.length === 17) {
    let ok = true;
    for (let i = 0; i < 6 && ok; i++) {
      const hi = hexDigit(text.charCodeAt(3 * i));
      const lo = hexDigit(text.charCodeAt(3 * i + 1));
      const sep = i < 5 ? text.charCodeAt(3 * i + 2) : 58;
      ok = hi >= 0 && lo >= 0 && (sep === 58 || sep === 45);
      out[offset + i] = (hi << 4) | lo;
    }
    if (ok) return;
  }
  throw bad(`"${text}" is not a MAC address`);
}

/**
 * Encodes commands into fixed-size records. VTEP addresses repeat a lot in bulk loads (a million
 * MACs behind a few hundred VTEPs), so their parsed bytes are cached per encoder.
 */
export class CommandEncoder {
  private readonly addresses = new Map<string, Uint8Array>();

  private address(text: string): Uint8Array {
    let bytes = this.addresses.get(text);
    if (bytes === undefined) {
      try {
        bytes = parseIp(text);
      } catch (e) {
        throw bad(`"${text}" is not an IPv4 or IPv6 address`, e);
      }
      if (this.addresses.size > 65536) this.addresses.clear();
      this.addresses.set(text, bytes);
    }
    return bytes;
  }

  /**
   * Records for `commands` tagged firstTag, firstTag + 1, ... (mod 2^32), followed by a NOP that
   * asks for an ACK: its tag is firstTag + commands.length, and its ACK means all before it are applied.
   */
  encodeBatch(commands: readonly ForwarderCommand[], firstTag: number): Uint8Array {
    const out = new Uint8Array((commands.length + 1) * COMMAND_SIZE);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    for (let i = 0; i < commands.length; i++) this.write(commands[i]!, (firstTag + i) >>> 0, 0, out, view, i * COMMAND_SIZE);
    this.write({ op: 'nop' }, (firstTag + commands.length) >>> 0, FLAG_ACK, out, view, commands.length * COMMAND_SIZE);
    return out;
  }

  /** Writes one record at `offset` of a zeroed `out` (`view` spans all of `out`); field offsets as fwd_dp_cmd. */
  private write(command: ForwarderCommand | { readonly op: 'nop' }, tag: number, flags: number, out: Uint8Array, view: DataView, offset: number): void {
    view.setUint8(offset, OP_CODES[command.op]);
    view.setUint8(offset + 1, flags);
    view.setUint32(offset + 4, tag, true);
    switch (command.op) {
      case 'nop':
        break;
      case 'setLocalVtep':
        this.putAddress(command.address, out, view, offset);
        break;
      case 'setMtu':
        if (!Number.isInteger(command.mtu) || command.mtu < 1280 || command.mtu > 65535) throw bad(`MTU ${command.mtu} is outside 1280..65535`);
        view.setUint32(offset + 16, command.mtu, true);
        break;
      case 'setUnderlayNextHop': {
        const vlan = command.vlan ?? 0;
        if (!Number.isInteger(vlan) || vlan < 0 || vlan > 4094) throw bad(`VLAN ${vlan} is outside 0..4094`);
        putMac(command.mac, out, offset + 20);
        view.setUint16(offset + 14, vlan, true);
        break;
      }
      case 'bindVni':
        if (!Number.isInteger(command.port) || command.port < 0 || command.port > 0xffff) throw bad(`LAN port ${command.port} is not a port index`);
        view.setUint32(offset + 8, checkVni(command.vni), true);
        view.setUint16(offset + 12, command.port, true);
        break;
      case 'unbindVni':
        view.setUint32(offset + 8, checkVni(command.vni), true);
        break;
      case 'addRemoteMac':
        view.setUint32(offset + 8, checkVni(command.vni), true);
        putMac(command.mac, out, offset + 20);
        this.putAddress(command.vtep, out, view, offset);
        break;
      case 'removeRemoteMac':
        view.setUint32(offset + 8, checkVni(command.vni), true);
        putMac(command.mac, out, offset + 20);
        break;
      case 'addFloodVtep':
      case 'removeFloodVtep':
      case 'addAllowedVtep':
      case 'removeAllowedVtep':
        view.setUint32(offset + 8, checkVni(command.vni), true);
        this.putAddress(command.vtep, out, view, offset);
        break;
      case 'flush':
        view.setUint32(offset + 16, command.remote ? 1 : 0, true);
        break;
    }
  }

  private putAddress(text: string, out: Uint8Array, view: DataView, offset: number): void {
    const a = this.address(text);
    view.setUint8(offset + 2, a.length);
    out.set(a, offset + 28);
  }
}

/** The engine's intents as forwarder commands (same order; removes before adds stay as given). */
export function intentCommands(intents: readonly ForwardingIntent[]): ForwarderCommand[] {
  return intents.map((i): ForwarderCommand => {
    switch (i.kind) {
      case 'remoteMac':
        return i.op === 'add'
          ? { op: 'addRemoteMac', vni: i.vni, mac: i.mac, vtep: i.vtep }
          : { op: 'removeRemoteMac', vni: i.vni, mac: i.mac };
      case 'floodVtep':
        return { op: i.op === 'add' ? 'addFloodVtep' : 'removeFloodVtep', vni: i.vni, vtep: i.vtep };
      case 'allowVtep':
        return { op: i.op === 'add' ? 'addAllowedVtep' : 'removeAllowedVtep', vni: i.vni, vtep: i.vtep };
    }
  });
}

/** A MAC seen on a LAN port: learned, moved here (from another port or a remote VTEP), or aged out. */
export interface MacEvent {
  readonly kind: 'mac-learned' | 'mac-moved' | 'mac-aged';
  readonly vni: number;
  readonly mac: string;
  /** LAN port index (as in the start options' `lan`). */
  readonly port: number;
}

/** A decoded fwd_dp_event record. */
export type RawEvent =
  | MacEvent
  | { readonly kind: 'ack'; readonly tag: number; readonly op: number }
  | { readonly kind: 'error'; readonly tag: number; readonly op: number; readonly errno: number };

const MAC_KINDS: Readonly<Record<number, MacEvent['kind']>> = { 1: 'mac-learned', 2: 'mac-moved', 3: 'mac-aged' };

/** Decodes `count` event records from a batch the addon delivered. */
export function decodeEvents(bytes: Uint8Array, count: number): RawEvent[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: RawEvent[] = [];
  for (let i = 0, at = 0; i < count && at + EVENT_SIZE <= bytes.byteLength; i++, at += EVENT_SIZE) {
    const kind = v.getUint8(at);
    const word = v.getUint32(at + 4, true);
    if (kind === 16) out.push({ kind: 'ack', tag: word, op: v.getUint8(at + 1) });
    else if (kind === 17) out.push({ kind: 'error', tag: word, op: v.getUint8(at + 1), errno: -v.getInt16(at + 14, true) });
    else {
      const mac = MAC_KINDS[kind];
      if (mac !== undefined) out.push({ kind: mac, vni: word, mac: formatMac(bytes, at + 8), port: v.getUint16(at + 2, true) });
    }
  }
  return out;
}
