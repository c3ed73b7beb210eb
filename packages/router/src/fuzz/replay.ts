/** Sending a finding's bytes again, the way the run that found it did. */
import { fromHex } from '@evpn6/bgp';
import { FAMILIES } from './raw-session.js';
import type { CaseResult } from './judge.js';
import type { Finding } from './report.js';
import { PeerFuzzer } from './runner.js';
import type { FuzzOptions } from './runner.js';

/**
 * Replays `f` against the target it names (or `override`'s): the session and observer come up
 * as in the run, the base message is sent first when the observer needs it, then the recorded
 * bytes. The result is judged against today's table.
 */
export async function replayFinding(f: Finding, override: Partial<FuzzOptions> = {}): Promise<CaseResult> {
  const fuzzer = new PeerFuzzer({
    peer: f.peer.peer,
    port: f.peer.port,
    asn: f.peer.asn,
    peerAsn: f.peer.peerAsn,
    families: FAMILIES.filter((x) => f.peer.families.includes(x.name)),
    seed: f.seed,
    ...(f.peer.localAddress !== undefined ? { localAddress: f.peer.localAddress } : {}),
    ...(f.peer.observer !== undefined ? { observer: f.peer.observer } : {}),
    ...override,
  });
  await fuzzer.start();
  try {
    const corpus = fuzzer.getCorpus();
    const base = Math.max(0, corpus.findIndex((b) => b.name === f.base));
    // The base's baseline tells whether the target re-advertises it (whether routes can be checked).
    if (corpus[base]!.type !== 'open' && f.index >= 0) await fuzzer.runCase(fuzzer.baselineCase(f.seed, base));
    return await fuzzer.runCase({
      seed: f.seed,
      index: f.index,
      base,
      baseName: f.base,
      mutator: f.mutator,
      target: f.target,
      value: f.value,
      attribute: f.attribute,
      cls: f.class,
      bytes: fromHex(f.hex),
    });
  } finally {
    await fuzzer.stop();
  }
}
