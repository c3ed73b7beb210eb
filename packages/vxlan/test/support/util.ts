import { expect } from 'chai';
import { EtherType, IpProtocol, VxlanError, internetChecksum, parseIp, parseMac, type RandomSource } from '../../src/index.js';

export function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/\s/g, ''), 'hex'));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export function expectVxlanError(fn: () => unknown, code?: string): VxlanError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'a VxlanError was thrown').to.be.instanceOf(VxlanError);
  const err = caught as VxlanError;
  if (code !== undefined) expect(err.code).to.equal(code);
  return err;
}

/** A deterministic RandomSource (xorshift32) so fragment ids are reproducible in tests. */
export function seededRandom(seed: number): RandomSource {
  let s = seed >>> 0 || 1;
  return (bytes) => {
    for (let i = 0; i < bytes.length; i++) {
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      bytes[i] = s & 0xff;
    }
  };
}

export const LOCAL6 = parseIp('2001:db8:1::1');
export const REMOTE6 = parseIp('2001:db8:1::2');
export const LOCAL4 = parseIp('192.0.2.1');
export const REMOTE4 = parseIp('192.0.2.2');

/**
 * An inner Ethernet/IPv4/UDP frame of exactly `length` bytes (>= 42) with a payload pattern, so
 * flows differ by ports and frames by content.
 */
export function innerUdpFrame(length: number, srcPort = 1000, dstPort = 2000, fill = 0): Uint8Array {
  const f = new Uint8Array(length);
  f.set(parseMac('02:00:5e:00:53:02'), 0);
  f.set(parseMac('02:00:5e:00:53:01'), 6);
  f[12] = EtherType.ipv4 >>> 8;
  f[13] = EtherType.ipv4 & 0xff;
  const ipLength = length - 14;
  f[14] = 0x45;
  f[16] = ipLength >>> 8;
  f[17] = ipLength & 0xff;
  f[22] = 64;
  f[23] = IpProtocol.udp;
  f.set(parseIp('198.51.100.1'), 26);
  f.set(parseIp('198.51.100.2'), 30);
  const c = internetChecksum(f, 14, 34);
  f[24] = c >>> 8;
  f[25] = c & 0xff;
  f[34] = srcPort >>> 8;
  f[35] = srcPort & 0xff;
  f[36] = dstPort >>> 8;
  f[37] = dstPort & 0xff;
  f[38] = (ipLength - 20) >>> 8;
  f[39] = (ipLength - 20) & 0xff;
  for (let i = 42; i < length; i++) f[i] = (i * 13 + fill) & 0xff;
  return f;
}
