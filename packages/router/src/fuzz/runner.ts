/**
 * The peer fuzzer's loop: one case after another against a live target, each classified and
 * judged, with a liveness check after each (the session still answers, or a fresh one comes
 * up). Sessions are reused while the target keeps them, since some speakers hold off new
 * sessions for a while after one goes down.
 */
import type { CodecContext } from '@evpn6/bgp';
import { createContext, defaultRegistry, encodeMessage, MessageType } from '@evpn6/bgp';
import { registerEvpn } from '@evpn6/evpn';
import type { BaseMessage, CorpusConfig } from './corpus.js';
import { buildCorpus, keysOf, marker, withdrawal } from './corpus.js';
import type { FuzzCase } from './cases.js';
import { fuzzCase, layoutFor } from './cases.js';
import { FuzzError } from './errors.js';
import type { CaseResult } from './judge.js';
import { expectationFor, judge } from './judge.js';
import { Observer } from './observer.js';
import type { Family, OpenFailure, PeerEvent, SessionConfig } from './raw-session.js';
import { isFailure, openWithin, ourOpen, RawSession } from './raw-session.js';
import type { Reaction } from './reaction.js';
import { ourVerdict } from './verdict.js';

export interface FuzzOptions {
  readonly peer: string;
  readonly port: number;
  readonly asn: number;
  readonly peerAsn: number;
  readonly families: readonly Family[];
  readonly seed: number;
  /** Stop after this many seconds (default: no limit). */
  readonly durationS?: number;
  /** Stop after this many cases (default: no limit; one of the two must be given). */
  readonly cases?: number;
  /** Source address of the fuzzed session. */
  readonly localAddress?: string;
  /** A second session that watches the target's routes (see observer.ts). */
  readonly observer?: { readonly address: string; readonly asn: number };
  /** How long the target may take to answer a case with a NOTIFICATION or a close (default 400 ms). */
  readonly reactionMs?: number;
  /** How long the target may refuse new sessions after a case before it counts as dead (default 30 s). */
  readonly livenessMs?: number;
  /** Called with each case's result as it is judged. */
  readonly onResult?: (r: CaseResult) => void;
  /** Called with one line now and then. */
  readonly progress?: (line: string) => void;
}

export interface FuzzRun {
  readonly seed: number;
  /** The bases sent unmutated first, in corpus order. */
  readonly baseline: readonly CaseResult[];
  readonly results: readonly CaseResult[];
  readonly corpus: readonly BaseMessage[];
  /** Whether the target re-advertised each base to the observer (undefined without one). */
  readonly propagates: readonly (boolean | undefined)[];
  readonly ms: number;
  /** Set when the run stopped early because the target died. */
  readonly stoppedBy?: CaseResult;
}

const HOLD_TIME = 3;
const OBSERVER_WAIT_MS = 3000;

function teardown(e: PeerEvent): boolean {
  return e.kind === 'notification' || e.kind === 'end' || e.kind === 'reset' || e.kind === 'garbage';
}

function reactionOf(e: PeerEvent | OpenFailure): Reaction {
  switch (e.kind) {
    case 'notification':
      return { kind: 'notification', code: e.code, subcode: e.subcode };
    case 'reset':
      return { kind: 'reset' };
    case 'end':
    case 'garbage':
      return { kind: 'closed' };
    default:
      return { kind: 'silent' };
  }
}

/**
 * A connection the target did not take on its own merits: turned away before its OPEN, refused,
 * no OPEN in time, or Cease 6/7 (it resolved a collision with the session just closed).
 */
function notTaken(f: OpenFailure): boolean {
  if (f.kind === 'turned-away' || f.kind === 'refused') return true;
  if (f.kind === 'timeout') return f.stage !== 'keepalive';
  return f.kind === 'notification' && f.code === 6 && f.subcode === 7;
}

export class PeerFuzzer {
  readonly registry = registerEvpn(defaultRegistry().clone());
  private readonly cfg: SessionConfig;
  private session: RawSession | undefined;
  private observer: Observer | undefined;
  private tx: CodecContext = createContext();
  private corpus: BaseMessage[] = [];
  private propagates: (boolean | undefined)[] = [];
  private external: boolean;
  private markerCount = 0;
  private corpusConfig: CorpusConfig | undefined;

  constructor(readonly opts: FuzzOptions) {
    this.external = opts.asn !== opts.peerAsn;
    this.cfg = {
      peer: opts.peer,
      port: opts.port,
      ...(opts.localAddress !== undefined ? { localAddress: opts.localAddress } : {}),
      asn: opts.asn,
      peerAsn: opts.peerAsn,
      routerId: '192.0.2.250',
      families: opts.families,
      holdTime: HOLD_TIME,
      registry: this.registry,
      timeoutMs: 3000,
    };
  }

  private get livenessMs(): number {
    return this.opts.livenessMs ?? 30000;
  }

  /** First session (and observer); builds the corpus from what was negotiated. */
  async start(): Promise<void> {
    if (this.opts.observer) {
      const o = await Observer.open({ ...this.cfg, localAddress: this.opts.observer.address, asn: this.opts.observer.asn, routerId: '192.0.2.251' }, this.livenessMs);
      if (!(o instanceof Observer)) throw new FuzzError('ERR_FUZZ_NO_SESSION', `the observer session to ${this.opts.peer} did not come up: ${JSON.stringify(o)}`);
      this.observer = o;
    }
    const s = await this.revive(this.livenessMs);
    if (!(s instanceof RawSession)) throw new FuzzError('ERR_FUZZ_NO_SESSION', `no session with ${this.opts.peer} port ${this.opts.port}: ${s.kind}`);
    const p = s.properties!;
    this.tx = { ...p.tx, external: this.external };
    const negotiated = this.opts.families.filter((f) => p.families.some((n) => n.afi === f.afi && n.safi === f.safi));
    this.corpusConfig = { asn: this.opts.asn, localAddress: s.socket.localAddress ?? '::', families: negotiated, external: this.external, routeRefresh: p.routeRefresh, tx: this.tx };
    this.corpus = buildCorpus(this.corpusConfig, encodeMessage(ourOpen(this.cfg), createContext()));
  }

  /** Opens sessions until one comes up or `withinMs` passes; a crash when nothing listened at the end, else a hang. */
  private async revive(withinMs: number): Promise<RawSession | Reaction> {
    this.session?.destroy();
    this.session = undefined;
    const s = await openWithin(this.cfg, withinMs);
    if (!isFailure(s)) return (this.session = s);
    return { kind: s.kind === 'refused' ? 'crash' : 'hang' };
  }

  private async observerUp(): Promise<Observer | undefined> {
    const o = this.observer;
    if (!o) return undefined;
    if (o.up || (await o.reopen())) return o;
    return undefined;
  }

  /** An OPEN case: a fresh connection that sends the mutated OPEN instead of ours. */
  private async openCase(c: FuzzCase, incomplete: boolean): Promise<Reaction> {
    await this.session?.close();
    this.session = undefined;
    // Until the target sends its OPEN it has not read ours: a connection it turns away (idle
    // hold after the session we just closed) is tried again, up to the liveness timeout.
    const deadline = Date.now() + this.livenessMs;
    let s = await RawSession.open(this.cfg, c.bytes, !incomplete);
    while (isFailure(s) && notTaken(s) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 300));
      s = await RawSession.open(this.cfg, c.bytes, !incomplete);
    }
    if (!isFailure(s)) {
      // Up with whatever the mutated OPEN negotiated: not a session to fuzz on.
      await s.close();
      return { kind: 'kept', checked: false };
    }
    if (s.kind === 'timeout' && incomplete) return { kind: 'kept', checked: false };
    if (s.kind === 'refused') return { kind: 'crash' };
    if (notTaken(s)) return { kind: 'hang' };
    return reactionOf(s);
  }

  private async updateCase(c: FuzzCase, incomplete: boolean): Promise<Reaction> {
    const live = this.session ?? (await this.revive(this.livenessMs));
    if (!(live instanceof RawSession)) return live;
    const s = live;
    const base = this.corpus[c.base]!;
    const keys = keysOf(this.registry, base.routes);
    const observer = await this.observerUp();
    let checked = false;
    if (observer && keys.length > 0 && this.propagates[c.base] !== false && c.cls !== 'baseline') {
      s.write(base.bytes);
      checked = await observer.waitFor(keys, true, OBSERVER_WAIT_MS);
    }
    s.drain();
    s.write(c.bytes);
    if (incomplete) s.stopKeepalives();
    const first = await s.next(teardown, incomplete ? 1500 : (this.opts.reactionMs ?? 400));
    if (first) return reactionOf(first);
    if (incomplete) {
      // The target is waiting for the rest of a message: this session is spoilt.
      s.destroy();
      this.session = undefined;
      return { kind: 'kept', checked: false };
    }
    if (c.cls === 'baseline' && observer && keys.length > 0) {
      this.propagates[c.base] = await observer.waitFor(keys, true, OBSERVER_WAIT_MS);
      checked = this.propagates[c.base]!;
    }
    const mk = observer && this.corpusConfig ? marker(this.corpusConfig, ++this.markerCount) : undefined;
    let reaction: Reaction;
    if (observer && mk) {
      // The marker reaching the observer means the target got past the case: alive, and done with it.
      s.write(mk.bytes);
      const mkKeys = keysOf(this.registry, mk.routes);
      const seen = await observer.waitFor(mkKeys, true, OBSERVER_WAIT_MS);
      const late = await s.next(teardown, 50);
      if (late) return reactionOf(late);
      if (!seen) reaction = await this.keepaliveCheck(s);
      else reaction = checked && keys.some((k) => !observer.has(k)) ? { kind: 'withdrawn' } : { kind: 'kept', checked };
      for (const w of withdrawal([...base.routes, ...mk.routes], this.tx)) s.write(w);
      await observer.waitFor([...keys, ...mkKeys], false, OBSERVER_WAIT_MS);
    } else {
      reaction = await this.keepaliveCheck(s);
      for (const w of withdrawal(base.routes, this.tx)) s.write(w);
    }
    // A target that disabled the family (or withdrew for another reason) starts the next case afresh.
    if (reaction.kind === 'withdrawn') {
      await s.close();
      this.session = undefined;
    }
    return reaction;
  }

  /** Without an observer, liveness is the target's next KEEPALIVE (every second with hold time 3). */
  private async keepaliveCheck(s: RawSession): Promise<Reaction> {
    const e = await s.next((x) => teardown(x) || (x.kind === 'message' && x.type === MessageType.KEEPALIVE), HOLD_TIME * 1000 + 1500);
    if (!e) return { kind: 'silent' };
    return teardown(e) ? reactionOf(e) : { kind: 'kept', checked: false };
  }

  /** Runs one case and judges it; a session lost on the way must come back within the liveness timeout. */
  async runCase(c: FuzzCase): Promise<CaseResult> {
    const t0 = Date.now();
    const base = this.corpus[c.base]!;
    const ours = ourVerdict(c.bytes, base.type === 'open' ? createContext() : this.tx);
    const incomplete = ours.kind === 'incomplete';
    let reaction = base.type === 'open' ? await this.openCase(c, incomplete) : await this.updateCase(c, incomplete);
    let before: Reaction | undefined;
    const lost = reaction.kind !== 'kept' && reaction.kind !== 'withdrawn';
    if (lost && reaction.kind !== 'crash' && reaction.kind !== 'hang') {
      const r = await this.revive(this.livenessMs);
      if (!(r instanceof RawSession)) {
        before = reaction;
        reaction = r;
      }
    }
    const bodyNlri = base.routes.some((r) => r.family.afi === 1 && r.family.safi === 1);
    const expected = expectationFor(c, ours, this.external, bodyNlri, base.type === 'update');
    return { fuzzCase: c, ours, expected, reaction, ...(before ? { before } : {}), judgement: judge(reaction, expected), ms: Date.now() - t0 };
  }

  /** The base itself, unmutated: the target must take it; those it does not are left out of the run. */
  baselineCase(seed: number, i: number): FuzzCase {
    const b = this.corpus[i]!;
    return { seed, index: -1 - i, base: i, baseName: b.name, mutator: 'none', target: 'none', value: undefined, attribute: undefined, cls: 'baseline', bytes: b.bytes };
  }

  getCorpus(): readonly BaseMessage[] {
    return this.corpus;
  }

  getPropagates(): readonly (boolean | undefined)[] {
    return this.propagates;
  }

  caseAt(usable: readonly number[], seed: number, index: number): FuzzCase {
    return fuzzCase(this.corpus, usable, layoutFor(this.tx), seed, index);
  }

  async stop(): Promise<void> {
    await this.session?.close();
    this.session = undefined;
    await this.observer?.close();
  }
}

/** A whole run: baseline, then cases until the duration or the case count is reached, or the target dies. */
export async function runFuzz(opts: FuzzOptions): Promise<FuzzRun> {
  const t0 = Date.now();
  const f = new PeerFuzzer(opts);
  const progress = opts.progress ?? (() => {});
  await f.start();
  try {
    const corpus = f.getCorpus();
    const baseline: CaseResult[] = [];
    const usable: number[] = [];
    for (const [i, b] of corpus.entries()) {
      if (b.type === 'open') {
        // The OPEN is what brought the session up: accepted.
        usable.push(i);
        continue;
      }
      const r = await f.runCase(f.baselineCase(opts.seed, i));
      baseline.push(r);
      opts.onResult?.(r);
      if (r.judgement === 'ok') usable.push(i);
      else progress(`baseline: the target does not take ${b.name}: ${r.reaction.kind === 'notification' ? `NOTIFICATION ${r.reaction.code}/${r.reaction.subcode}` : r.reaction.kind}; left out`);
      if (r.judgement === 'crash' || r.judgement === 'hang') return { seed: opts.seed, baseline, results: [], corpus, propagates: f.getPropagates(), ms: Date.now() - t0, stoppedBy: r };
    }
    const deadline = opts.durationS === undefined ? Number.POSITIVE_INFINITY : t0 + opts.durationS * 1000;
    const maxCases = opts.cases ?? Number.POSITIVE_INFINITY;
    const results: CaseResult[] = [];
    let lastProgress = Date.now();
    let stoppedBy: CaseResult | undefined;
    for (let index = 0; index < maxCases && Date.now() < deadline; index++) {
      const r = await f.runCase(f.caseAt(usable, opts.seed, index));
      results.push(r);
      opts.onResult?.(r);
      if (r.judgement === 'crash' || r.judgement === 'hang') {
        stoppedBy = r;
        break;
      }
      if (Date.now() - lastProgress > 5000) {
        lastProgress = Date.now();
        const count = (j: string) => results.filter((x) => x.judgement === j).length;
        const rate = (results.length / ((Date.now() - t0) / 1000)).toFixed(1);
        progress(`fuzz: ${results.length} cases (${rate}/s): ok ${count('ok')}, rfc7606 ${count('rfc7606')}, unexpected ${count('unexpected')}, crash ${count('crash')}, hang ${count('hang')}`);
      }
    }
    return { seed: opts.seed, baseline, results, corpus, propagates: f.getPropagates(), ms: Date.now() - t0, ...(stoppedBy ? { stoppedBy } : {}) };
  } finally {
    await f.stop();
  }
}
