/**
 * The evpn6 extension block `dataplane dpdk` (not an FRR command): what the seed's
 * /etc/default/gdp said (EAL options, the NICs, their TAP names), in the router's own file.
 *
 *   dataplane dpdk
 *    eal -l 2-3 --vdev net_af_packet0,iface=enp1s0
 *    underlay 0000:01:00.0 tap tnp1s0
 *    lan 0000:04:00.0 tap tnp4s0 vni 550
 *    mtu 1500
 *    idle-sleep 0
 *   exit
 */
import type { ConfigLine } from './lines.js';
import { ConfigErrorCode } from './types.js';
import type { DpdkConfig } from './types.js';
import { INTERFACE_NAME, parseNumber, word } from './state.js';
import type { ConfigParser, Handler } from './state.js';

/** The forwarder's limit (FWD_DP_MAX_LAN in native/forwarder/dpdk/fwd_dp.h). */
export const MAX_LAN_PORTS = 16;
/** IPv6 links carry at least 1280 bytes (RFC 8200 §5); jumbo frames stop at 9000 in practice. */
const MTU_MIN = 1280;
const MTU_MAX = 9000;
/** An ethdev name as EAL spells it: a PCI address or a vdev name such as net_af_packet0. */
const DEVICE_NAME = /^[A-Za-z0-9_.:-]{1,47}$/;

function device(p: ConfigParser, l: ConfigLine, i: number): string | undefined {
  const d = word(l, i);
  if (!DEVICE_NAME.test(d)) {
    p.problem(l, ConfigErrorCode.syntax, `"${d}" is not a DPDK device name (a PCI address like 0000:01:00.0 or a vdev like net_af_packet0)`, i);
    return undefined;
  }
  return d;
}

function tapName(p: ConfigParser, l: ConfigLine, i: number): string | undefined {
  const t = word(l, i);
  if (!INTERFACE_NAME.test(t)) {
    p.problem(l, ConfigErrorCode.syntax, `"${t}" is not an interface name (1-15 letters, digits, _ . @ -)`, i);
    return undefined;
  }
  return t;
}

function usedDevice(p: ConfigParser, name: string): boolean {
  const d = p.dpdk!;
  return d.underlay?.device === name || d.lan.some((x) => x.device === name);
}

function usedTap(p: ConfigParser, name: string): boolean {
  const d = p.dpdk!;
  return d.underlay?.tap === name || d.lan.some((x) => x.tap === name);
}

export const dataplaneCommand: Handler = (p, l) => {
  if (word(l, 1) !== 'dpdk' || l.words.length !== 2) {
    p.problem(l, ConfigErrorCode.syntax, 'usage "dataplane dpdk" (the only dataplane with settings in the file)', l.words.length > 2 ? 2 : 1);
    // The lines below are still checked as the block's, so one slip does not hide the rest.
    p.context = 'dpdk';
    p.dpdk ??= { openedAt: l, ealArgs: [], lan: [] };
    return;
  }
  p.context = 'dpdk';
  p.dpdk ??= { openedAt: l, ealArgs: [], lan: [] };
};

export const dpdkCommands: Record<string, Handler> = {
  eal(p, l) {
    if (l.words.length < 2) {
      p.problem(l, ConfigErrorCode.syntax, 'missing words: usage "eal ARG..."');
      return;
    }
    p.dpdk!.ealArgs.push(...l.words.slice(1).map((w) => w.text));
  },
  underlay(p, l) {
    if (!p.arity(l, 4, 'underlay DEVICE tap NAME')) return;
    if (word(l, 2) !== 'tap') {
      p.problem(l, ConfigErrorCode.syntax, `expected "tap": usage "underlay DEVICE tap NAME"`, 2);
      return;
    }
    if (p.dpdk!.underlay !== undefined) {
      p.problem(l, ConfigErrorCode.conflict, `the underlay port is already ${p.dpdk!.underlay.device}: one underlay port`, 1);
      return;
    }
    const d = device(p, l, 1);
    const t = tapName(p, l, 3);
    if (d === undefined || t === undefined) return;
    if (usedDevice(p, d)) p.problem(l, ConfigErrorCode.conflict, `device ${d} is already a port`, 1);
    else if (usedTap(p, t)) p.problem(l, ConfigErrorCode.conflict, `TAP ${t} is already another port's`, 3);
    else p.dpdk!.underlay = { device: d, tap: t };
  },
  lan(p, l) {
    const usage = 'lan DEVICE [tap NAME] vni N';
    const n = l.words.length;
    if (n !== 4 && n !== 6) {
      p.problem(l, ConfigErrorCode.syntax, `${n < 4 ? 'missing' : 'unexpected'} words: usage "${usage}"`, n > 6 ? 6 : undefined);
      return;
    }
    const withTap = n === 6;
    if (withTap && word(l, 2) !== 'tap') {
      p.problem(l, ConfigErrorCode.syntax, `expected "tap": usage "${usage}"`, 2);
      return;
    }
    const vniAt = withTap ? 4 : 2;
    if (word(l, vniAt) !== 'vni') {
      p.problem(l, ConfigErrorCode.syntax, `expected "vni": usage "${usage}"`, vniAt);
      return;
    }
    const d = device(p, l, 1);
    const t = withTap ? tapName(p, l, 3) : undefined;
    const vni = parseNumber(p, l, vniAt + 1, 1, 0xffffff, 'VNI');
    if (d === undefined || (withTap && t === undefined) || vni === undefined) return;
    const dp = p.dpdk!;
    if (usedDevice(p, d)) p.problem(l, ConfigErrorCode.conflict, `device ${d} is already a port`, 1);
    else if (t !== undefined && usedTap(p, t)) p.problem(l, ConfigErrorCode.conflict, `TAP ${t} is already another port's`, 3);
    else if (dp.lan.some((x) => x.vni === vni)) p.problem(l, ConfigErrorCode.duplicateVni, `VNI ${vni} is already bridged to ${dp.lan.find((x) => x.vni === vni)!.device}`, vniAt + 1);
    else if (dp.lan.length >= MAX_LAN_PORTS) p.problem(l, ConfigErrorCode.range, `at most ${MAX_LAN_PORTS} LAN ports`, 1);
    else dp.lan.push({ device: d, ...(t !== undefined ? { tap: t } : {}), vni, line: l });
  },
  mtu(p, l) {
    if (!p.arity(l, 2, `mtu ${MTU_MIN}-${MTU_MAX}`)) return;
    const mtu = parseNumber(p, l, 1, MTU_MIN, MTU_MAX, 'MTU');
    if (mtu !== undefined) p.dpdk!.mtu = mtu;
  },
  'idle-sleep'(p, l) {
    if (!p.arity(l, 2, 'idle-sleep MICROSECONDS')) return;
    const us = parseNumber(p, l, 1, 0, 1_000_000, 'idle sleep');
    if (us !== undefined) p.dpdk!.idleSleepUs = us;
  },
  exit(p) {
    p.context = 'top';
  },
  end(p) {
    p.context = 'top';
  },
};

/** The block as configuration, or a problem when it has no underlay port. */
export function buildDpdk(p: ConfigParser): DpdkConfig | undefined {
  const d = p.dpdk;
  if (d === undefined) return undefined;
  if (d.underlay === undefined) {
    p.problem(d.openedAt, ConfigErrorCode.missing, '"dataplane dpdk" needs an "underlay DEVICE tap NAME" line');
    return undefined;
  }
  return {
    ealArgs: [...d.ealArgs],
    underlay: { ...d.underlay },
    lan: d.lan.map((x) => ({ device: x.device, ...(x.tap !== undefined ? { tap: x.tap } : {}), vni: x.vni })),
    mtu: d.mtu ?? 1500,
    idleSleepUs: d.idleSleepUs ?? 0,
  };
}
