/**
 * The observer: a second, well-behaved session to the target (from another address, another
 * AS) that only listens. What the target re-advertises to it tells whether a fuzzed UPDATE's
 * routes were kept, replaced (attribute discard) or withdrawn (treat-as-withdraw) — the one
 * thing the fuzzed session itself cannot see, since a speaker does not send routes back to
 * the peer they came from.
 */
import type { Nlri, NlriList } from '@evpn6/bgp';
import { Afi, decodeMessage, MessageType, Safi } from '@evpn6/bgp';
import { routeKey } from './corpus.js';
import type { Family, PeerEvent, SessionConfig } from './raw-session.js';
import { FAMILIES, isFailure, openWithin } from './raw-session.js';
import type { RawSession } from './raw-session.js';
import type { OpenFailure } from './raw-session.js';

const familyOf = (afi: number, safi: number): Family | undefined => FAMILIES.find((f) => f.afi === afi && f.safi === safi);

function list(n: NlriList | readonly Nlri[]): readonly Nlri[] {
  return Array.isArray(n) ? n : [];
}

export class Observer {
  /** Route key → whether the target currently advertises it to us. */
  private readonly present = new Map<string, boolean>();
  private wake: (() => void) | undefined;
  /** UPDATEs it could not decode (the target re-advertised something broken): counted, reported. */
  undecodable = 0;

  private constructor(
    readonly cfg: SessionConfig,
    private session: RawSession,
  ) {
    this.listen();
  }

  static async open(cfg: SessionConfig, withinMs: number): Promise<Observer | OpenFailure> {
    const s = await openWithin(cfg, withinMs);
    return isFailure(s) ? s : new Observer(cfg, s);
  }

  private listen(): void {
    this.session.listener = (e) => this.take(e);
  }

  private take(e: PeerEvent): void {
    if (e.kind !== 'message' || e.type !== MessageType.UPDATE || !this.session.properties) return;
    const registry = this.cfg.registry;
    try {
      const m = decodeMessage(e.bytes, this.session.properties.rx);
      if (m.type !== 'UPDATE') return;
      const ipv4 = familyOf(Afi.IPV4, Safi.UNICAST)!;
      for (const n of m.withdrawn) this.present.set(routeKey(registry, ipv4, n), false);
      for (const n of m.nlri) this.present.set(routeKey(registry, ipv4, n), true);
      for (const a of m.attributes) {
        if (a.type !== 'MP_REACH_NLRI' && a.type !== 'MP_UNREACH_NLRI') continue;
        const f = familyOf(a.afi, a.safi);
        if (!f) continue;
        const announce = a.type === 'MP_REACH_NLRI';
        for (const n of list(announce ? a.nlri : a.withdrawn)) this.present.set(routeKey(registry, f, n), announce);
      }
      // RFC 7606 at the observer: the routes of an UPDATE it had to treat as withdrawn are gone for it too.
      for (const fr of m.report?.withdraw ?? []) {
        const f = familyOf(fr.afi, fr.safi);
        if (f) for (const n of list(fr.nlri)) this.present.set(routeKey(registry, f, n), false);
      }
    } catch {
      this.undecodable++;
    }
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Whether the session is still up (the fuzz target may drop it for reasons of its own). */
  get up(): boolean {
    return !this.session.isClosed;
  }

  /** Brings the session back after the target dropped it; false if it does not come up. */
  async reopen(): Promise<boolean> {
    this.session.destroy();
    const s = await openWithin(this.cfg, 10000);
    if (isFailure(s)) return false;
    this.present.clear();
    this.session = s;
    this.listen();
    return true;
  }

  has(key: string): boolean {
    return this.present.get(key) === true;
  }

  /** Waits until every key is (or, with `present` false, none is) advertised; false on timeout. */
  async waitFor(keys: readonly string[], present: boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (keys.every((k) => this.has(k) === present)) return true;
      const left = deadline - Date.now();
      if (left <= 0 || !this.up) return false;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  async close(): Promise<void> {
    await this.session.close();
  }
}
