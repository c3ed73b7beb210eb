/**
 * The router's own decoders as fuzz targets: netlink messages (rtnetlink link, address and
 * neighbour messages as the kernel sends them) and the FRR-syntax configuration parser.
 * Netlink is host-endian, so its layout marks elements and the low bytes of its lengths (the
 * length-correcting mutations are big-endian and would only garble these); the config layout
 * marks lines and words.
 */
import { Layout } from '@evpn6/bgp/fuzz';
import { checkConfig, netlink, summarizeConfig } from '@evpn6/router';
import { readdirSync, readFileSync } from 'node:fs';
import { fromHex } from '@evpn6/bgp';
import { KERNEL_MESSAGES } from '../../packages/router/test/netlink-golden.js';
import type { Target } from './target.js';
import { define, roundTrip } from './target.js';

const NLMSG_HDRLEN = 16;
const u16le = (b: Uint8Array, at: number) => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
const u32le = (b: Uint8Array, at: number) => (u16le(b, at) | (u16le(b, at + 2) << 16)) >>> 0;
/** Not (n + 3) & ~3: that wraps to a negative step for lengths of 2^31 and more. */
const align4 = (n: number) => Math.ceil(n / 4) * 4;

/** Fixed header after nlmsghdr, by message type: ifinfomsg (links), ifaddrmsg (addresses), ndmsg (neighbours). */
function fixedHeader(type: number): number {
  if (type >= 16 && type <= 19) return 16;
  if (type >= 20 && type <= 23) return 8;
  if (type >= 28 && type <= 30) return 12;
  return 0;
}

function walkRtattrs(b: Uint8Array, start: number, end: number, l: Layout, depth: number): void {
  for (let p = start; p + 4 <= end; ) {
    const len = u16le(b, p);
    if (len < 4) break;
    const stop = Math.min(end, p + len);
    l.element('rtattr', p, stop);
    l.field('rta_len low byte', p, 1, [0, 1, 3, 4, 5, 6, 8, 9, 255]);
    l.field('rta_type low byte', p + 2, 1, [0, 1, 2, 3, 10, 18, 255]);
    l.field('rta_type nested bit', p + 3, 1, [0, 0x80, 0x40]);
    // Nested attributes (IFLA_LINKINFO, IFLA_INFO_DATA) are themselves rtattr lists.
    if (depth < 3 && stop - p > 8) walkRtattrs(b, p + 4, stop, l, depth + 1);
    p += align4(len);
  }
}

function netlinkLayout(b: Uint8Array): Layout {
  const l = new Layout();
  for (let at = 0; at + NLMSG_HDRLEN <= b.length; ) {
    const len = u32le(b, at);
    if (len < NLMSG_HDRLEN) break;
    const stop = Math.min(b.length, at + len);
    l.element('nlmsg', at, stop);
    l.field('nlmsg_len low byte', at, 1, [0, 15, 16, 17, 20, 32, 255]);
    l.field('nlmsg_type', at + 4, 1, [2, 3, 16, 17, 20, 21, 28, 29, 255]);
    const fixed = fixedHeader(b[at + 4]!);
    if (fixed > 0) walkRtattrs(b, at + NLMSG_HDRLEN + fixed, stop, l, 0);
    at += align4(len);
  }
  return l;
}

const netlinkTarget: Target = define({
  name: 'netlink',
  description: 'rtnetlink messages (links, addresses, FDB entries, errors): decode, re-encode, decode',
  seeds: () => KERNEL_MESSAGES.map((m) => fromHex(m.hex)),
  layoutOf: netlinkLayout,
  run(bytes) {
    for (const m of netlink.decodeMessages(bytes)) {
      roundTrip(`netlink type ${m.header.type}`, m, netlink.encodeMessage, (b) => {
        const [again] = netlink.decodeMessages(b);
        return again!;
      });
    }
  },
});

const CONFIG_DIR = new URL('../../packages/router/test/configs/', import.meta.url);
const text = new TextDecoder('utf-8', { fatal: false });

function configLayout(b: Uint8Array): Layout {
  const l = new Layout();
  let lineStart = 0;
  for (let i = 0; i <= b.length; i++) {
    if (i < b.length && b[i] !== 0x0a) continue;
    l.element('line', lineStart, Math.min(b.length, i + 1));
    // Words: a copy or a cut of one is the commonest way a config goes wrong.
    let w = lineStart;
    for (let j = lineStart; j <= i; j++) {
      if (j < i && b[j] !== 0x20) continue;
      if (j > w) l.element('word', w, j);
      w = j + 1;
    }
    lineStart = i + 1;
  }
  return l;
}

const configTarget: Target = define({
  name: 'config',
  description: 'the FRR-syntax configuration parser (checkConfig) and the summary of what it accepts',
  seeds: () =>
    readdirSync(CONFIG_DIR)
      .filter((f) => f.endsWith('.conf'))
      .sort()
      .map((f) => new Uint8Array(readFileSync(new URL(f, CONFIG_DIR)))),
  layoutOf: configLayout,
  run(bytes) {
    const t = text.decode(bytes);
    const r = checkConfig(t, 'fuzz.conf');
    if (r.config) summarizeConfig(r.config);
    // The parser is a pure function of the text: the same text, the same answer.
    roundTrip('config', r, () => bytes, (b) => checkConfig(text.decode(b), 'fuzz.conf'));
  },
  // A seed with errors still exercises the parser: what matters is that it runs.
  accepts: () => true,
});

export const routerTargets: readonly Target[] = [netlinkTarget, configTarget];
