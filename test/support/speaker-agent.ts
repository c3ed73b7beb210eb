/**
 * Runs an @evpn6/bgp Speaker inside a test's network namespace (`ip netns exec NS node …
 * speaker-agent.ts`), since the test process itself cannot enter one. One JSON request per
 * stdin line ({id, op, args}), one JSON answer per stdout line ({id, ok, value | error});
 * peer state changes arrive as {event: 'peerState', ...} lines.
 */
import { createInterface } from 'node:readline';
import { createSpeaker, defaultRegistry, type NeighborOptions, type Speaker } from '@evpn6/bgp';
import { registerEvpn } from '@evpn6/evpn';
import { buildEvpn, evpnRoute, evpnRows, EXPORT_FILTERS, type EvpnSpec } from './evpn-agent.js';

let speaker: Speaker | undefined;

function say(line: unknown): void {
  process.stdout.write(`${JSON.stringify(line, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : typeof v === 'bigint' ? String(v) : v))}\n`);
}

function need(): Speaker {
  if (!speaker) throw new Error('no speaker: send "create" first');
  return speaker;
}

async function run(op: string, a: Record<string, unknown>): Promise<unknown> {
  switch (op) {
    case 'create': {
      const registry = registerEvpn(defaultRegistry().clone());
      speaker = await createSpeaker({ ...(a as unknown as Parameters<typeof createSpeaker>[0]), registry });
      speaker.on('peerState', (c) => say({ event: 'peerState', ...c }));
      return speaker.listening();
    }
    case 'addNeighbor': {
      // A filter cannot cross JSON: `exportFilter` names one of EXPORT_FILTERS.
      const name = a['exportFilter'] as keyof typeof EXPORT_FILTERS | undefined;
      if (name !== undefined && !(name in EXPORT_FILTERS)) throw new Error(`unknown export filter ${String(name)}`);
      need().addNeighbor({ ...(a as unknown as NeighborOptions), ...(name !== undefined ? { exportFilter: EXPORT_FILTERS[name] } : {}) });
      return null;
    }
    case 'originateEvpn':
      for (const spec of a['routes'] as EvpnSpec[]) need().originate(buildEvpn(spec));
      return null;
    case 'withdrawEvpn':
      need().withdraw({ family: 'l2vpn-evpn', nlri: (a['routes'] as EvpnSpec[]).map(evpnRoute) });
      return null;
    case 'evpnRoutes':
      return evpnRows(need());
    case 'peer':
      return need().peer(a['address'] as string);
    case 'removeNeighbor':
      await need().removeNeighbor(a['address'] as string);
      return null;
    case 'originate':
      need().originate(a as never);
      return null;
    case 'withdraw':
      need().withdraw(a as never);
      return null;
    case 'routes':
      return need()
        .routes(a['family'] as string)
        .map((r) => ({ prefix: r.prefix, peer: r.best.peer, nextHop: r.best.nextHop, stale: r.best.stale, attributes: r.best.attributes }));
    case 'peers':
      return need().peers();
    case 'refresh':
      return need().requestRefresh(a['address'] as string, a['family'] as string);
    case 'close':
      await need().close(a['message'] as string | undefined);
      speaker = undefined;
      return null;
    default:
      throw new Error(`unknown op ${op}`);
  }
}

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const req = JSON.parse(line) as { id: number; op: string; args?: Record<string, unknown> };
  run(req.op, req.args ?? {}).then(
    (value) => say({ id: req.id, ok: true, value }),
    (e: unknown) => say({ id: req.id, ok: false, error: { code: (e as { code?: string }).code, message: String((e as Error).message ?? e) } }),
  );
});
rl.on('close', () => {
  void (speaker?.close() ?? Promise.resolve()).then(() => process.exit(0));
});
