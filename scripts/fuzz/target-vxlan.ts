/** The VXLAN decapsulation targets: a frame sequence through VxlanDecapsulator (reassembly included). */
import { Layout } from '@evpn6/bgp/fuzz';
import { VxlanDecapsulator } from '@evpn6/vxlan';
import type { ReassemblyOptions } from '@evpn6/vxlan';
import type { Target } from './target.js';
import { define, RoundTripError } from './target.js';
import { vxlanSeeds } from './seeds.js';
import { walkFrameSequence } from './vxlan-layout.js';

function frames(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let p = 0; p + 2 <= bytes.length; ) {
    const n = (bytes[p]! << 8) | bytes[p + 1]!;
    out.push(bytes.subarray(p + 2, Math.min(bytes.length, p + 2 + n)));
    p += 2 + n;
  }
  return out;
}

/**
 * Decapsulates every frame of a sequence; throws (a finding) only when a result is impossible,
 * reassembly holds more than its limit, or state is left over after every datagram timed out.
 */
function decapsulateAll(bytes: Uint8Array, reassembly: ReassemblyOptions): { delivered: number; dropped: number } {
  const decap = new VxlanDecapsulator({ allowZeroChecksumIpv6: true, reassembly });
  const limit = reassembly.maxBytes ?? Number.MAX_SAFE_INTEGER;
  let now = 0;
  let dropped = 0;
  for (const frame of frames(bytes)) {
    const r = decap.decapsulate(frame, (now += 7));
    if (r.kind === 'drop') dropped++;
    if (r.kind === 'frame' && (r.vni > 0xffffff || r.inner.length < 14 || (r.source.length !== 16 && r.source.length !== 4))) {
      throw new RoundTripError(`decap: impossible frame (vni ${r.vni}, inner ${r.inner.length} bytes, source ${r.source.length} bytes)`);
    }
    if (decap.reassembler.memory > limit) throw new RoundTripError(`reassembly: holds ${decap.reassembler.memory} bytes, limit ${limit}`);
  }
  decap.reassembler.expire(now + 600_000);
  if (decap.reassembler.memory !== 0 || decap.reassembler.inFlight !== 0) {
    throw new RoundTripError(`reassembly: ${decap.reassembler.memory} bytes in ${decap.reassembler.inFlight} datagrams left after every timeout`);
  }
  return { delivered: decap.delivered, dropped };
}

/** `strict`: a valid seed must come out whole (false where the limits are meant to drop seeds too). */
function vxlanTarget(name: string, description: string, reassembly: ReassemblyOptions, strict: boolean): Target {
  return define({
    name,
    description,
    seeds: vxlanSeeds,
    layoutOf: (b) => {
      const l = new Layout();
      walkFrameSequence(b, l);
      return l;
    },
    finish(bytes, rng) {
      // Checksums would stop nearly every mutated packet at the UDP layer; zero ones are accepted (see decapsulateAll).
      const l = new Layout();
      walkFrameSequence(bytes, l);
      const out = bytes.slice();
      for (const f of l.fields) if (f.name === 'UDP checksum' && rng.chance(0.8)) out[f.at] = out[f.at + 1] = 0;
      return out;
    },
    run(bytes) {
      decapsulateAll(bytes, reassembly);
    },
    accepts(bytes) {
      try {
        const r = decapsulateAll(bytes, reassembly);
        return !strict || (r.delivered > 0 && r.dropped === 0);
      } catch {
        return false;
      }
    },
  });
}

export const vxlanTargets: readonly Target[] = [
  vxlanTarget(
    'vxlan-decap',
    'VXLAN decapsulation of a frame sequence: Ethernet/VLAN, IPv6 extension headers, fragments and reassembly, IPv4, UDP, VXLAN',
    { maxBytes: 1 << 20, maxBytesPerSource: 1 << 18 },
    true,
  ),
  // Limits so small that eviction and timeouts happen inside one input (7 ms pass per frame).
  vxlanTarget('vxlan-decap-tight', 'VXLAN decapsulation with tiny reassembly memory and a 30 ms timeout', { maxBytes: 4000, maxBytesPerSource: 3000, timeoutMs: 30 }, false),
];
