/**
 * The peer fuzzer's classification against a scripted fake target on loopback: a NOTIFICATION,
 * a kept session, a FIN, a RST, a target that stops listening (crash) and one that accepts TCP
 * but never answers (hang) are each told apart; `evpn6 fuzz` rejects bad arguments with typed
 * usage errors.
 */
import { expect } from 'chai';
import { createServer, type Server, type Socket } from 'node:net';
import { createContext, encodeMessage, KEEPALIVE, MessageFramer, MessageType } from '@evpn6/bgp';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAMILIES, findingOf, FuzzUsageError, ourOpen, PeerFuzzer, readFinding, replayFinding, writeFinding } from '../src/fuzz/index.js';
import type { FuzzCase } from '../src/fuzz/index.js';
import { FUZZ_USAGE, parseFuzzArgs, runFuzz } from '../src/cli/fuzz.js';
import { main, MAIN_USAGE } from '../src/cli/main.js';

type Mode = 'accept' | 'notify' | 'close' | 'reset' | 'die' | 'hang';

/** A BGP speaker in 60 lines: OPEN and KEEPALIVEs, then whatever `mode` says to any UPDATE. */
class FakeTarget {
  mode: Mode = 'accept';
  private mute = false;
  private readonly sockets = new Set<Socket>();
  readonly server: Server;

  constructor() {
    this.server = createServer((s) => this.serve(s));
  }

  listen(): Promise<number> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as { port: number }).port)));
  }

  private serve(s: Socket): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => {});
    if (this.mute) return;
    const ctx = createContext();
    s.write(encodeMessage(ourOpen({ asn: 65001, holdTime: 3, routerId: '192.0.2.1', families: FAMILIES.slice(1, 2) }), ctx));
    const timer = setInterval(() => s.write(encodeMessage(KEEPALIVE, ctx)), 1000);
    s.on('close', () => clearInterval(timer));
    const framer = new MessageFramer();
    s.on('data', (d: Buffer) => {
      let messages: Uint8Array[];
      try {
        messages = framer.push(new Uint8Array(d));
      } catch {
        // Bytes that do not frame (a fuzzed header): reacted to like any UPDATE.
        this.react(s);
        return;
      }
      for (const m of messages) {
        if (m[18] === MessageType.OPEN) s.write(encodeMessage(KEEPALIVE, ctx));
        if (m[18] !== MessageType.UPDATE) continue;
        this.react(s);
      }
    });
  }

  private react(s: Socket): void {
    switch (this.mode) {
      case 'accept':
        return;
      case 'notify':
        s.end(Uint8Array.of(...new Array<number>(16).fill(0xff), 0, 21, MessageType.NOTIFICATION, 3, 1));
        return;
      case 'close':
        s.end();
        return;
      case 'reset':
        s.resetAndDestroy();
        return;
      case 'die':
        this.server.close();
        for (const x of this.sockets) x.destroy();
        return;
      case 'hang':
        this.mute = true;
        for (const x of this.sockets) x.destroy();
        return;
    }
  }

  close(): void {
    for (const x of this.sockets) x.destroy();
    this.server.close();
  }
}

describe('peer fuzzer: classifying reactions (fake target on loopback)', function () {
  this.timeout(30000);
  let target: FakeTarget;
  let fuzzer: PeerFuzzer;

  beforeEach(async () => {
    target = new FakeTarget();
    const port = await target.listen();
    fuzzer = new PeerFuzzer({ peer: '127.0.0.1', port, asn: 65002, peerAsn: 65001, families: FAMILIES.slice(1, 2), seed: 1, cases: 1, livenessMs: 2000 });
    await fuzzer.start();
  });

  afterEach(async () => {
    await fuzzer.stop();
    target.close();
  });

  function updateCase(): FuzzCase {
    const i = fuzzer.getCorpus().findIndex((b) => b.type === 'update');
    return fuzzer.baselineCase(1, i);
  }

  const cases: Array<[Mode, string, string | undefined]> = [
    ['accept', 'kept', 'ok'],
    ['notify', 'notification', 'rfc7606'],
    ['close', 'closed', 'unexpected'],
    ['reset', 'reset', 'unexpected'],
    ['die', 'crash', 'crash'],
    ['hang', 'hang', 'hang'],
  ];
  for (const [mode, kind, judgement] of cases) {
    it(`${mode}: ${kind}, judged ${judgement}`, async () => {
      target.mode = mode;
      const r = await fuzzer.runCase(updateCase());
      expect(r.reaction.kind).to.equal(kind);
      expect(r.judgement).to.equal(judgement);
      if (kind === 'notification') expect(r.reaction).to.deep.equal({ kind: 'notification', code: 3, subcode: 1 });
      if (kind === 'crash' || kind === 'hang') expect(r.before?.kind).to.equal('closed');
    });
  }
});

describe('peer fuzzer: findings replay', function () {
  this.timeout(30000);

  it('writes a finding that --replay sends again, with the same reaction', async () => {
    const target = new FakeTarget();
    const port = await target.listen();
    const dir = mkdtempSync(join(tmpdir(), 'e6-fuzz-finding-'));
    try {
      const opts = { peer: '127.0.0.1', port, asn: 65002, peerAsn: 65001, families: FAMILIES.slice(1, 2), seed: 3, livenessMs: 2000 };
      const fuzzer = new PeerFuzzer(opts);
      await fuzzer.start();
      const usable = fuzzer.getCorpus().map((_, i) => i);
      // The first UPDATE case of seed 3: the fake target answers it with 3/1.
      let index = 0;
      while (fuzzer.getCorpus()[fuzzer.caseAt(usable, 3, index).base]!.type !== 'update') index++;
      target.mode = 'notify';
      const r = await fuzzer.runCase(fuzzer.caseAt(usable, 3, index));
      await fuzzer.stop();
      const file = writeFinding(dir, findingOf(r, { peer: '127.0.0.1', port, asn: 65002, peerAsn: 65001, families: ['ipv6-unicast'] }));
      const f = readFinding(file);
      expect(f).to.deep.include({ seed: 3, index, judgement: r.judgement, seen: { kind: 'notification', code: 3, subcode: 1 } });
      const again = await replayFinding(f);
      expect(again.reaction).to.deep.equal(r.reaction);
      expect(Buffer.from(again.fuzzCase.bytes).toString('hex')).to.equal(f.hex);
    } finally {
      target.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('evpn6 fuzz: arguments', () => {
  const code = (argv: string[]): string | undefined => {
    try {
      parseFuzzArgs(argv);
      return undefined;
    } catch (e) {
      return e instanceof FuzzUsageError ? `${e.code} ${e.option}` : String(e);
    }
  };

  it('rejects what it cannot use, naming the option', () => {
    expect(code([])).to.equal('ERR_FUZZ_USAGE peer');
    expect(code(['--peer', 'example.org', '--asn', '1', '--peer-asn', '2'])).to.equal('ERR_FUZZ_USAGE peer');
    expect(code(['--peer', '2001:db8::1', '--peer-asn', '2'])).to.equal('ERR_FUZZ_USAGE asn');
    expect(code(['--peer', '2001:db8::1', '--asn', '1'])).to.equal('ERR_FUZZ_USAGE peer-asn');
    expect(code(['--peer', '2001:db8::1', '--asn', '1', '--peer-asn', '2', '--port', '70000'])).to.equal('ERR_FUZZ_USAGE port');
    expect(code(['--peer', '2001:db8::1', '--asn', '1', '--peer-asn', '2', '--families', 'ipv9'])).to.equal('ERR_FUZZ_USAGE families');
    expect(code(['--peer', '2001:db8::1', '--asn', '1', '--peer-asn', '2', '--observer', '2001:db8::3'])).to.equal('ERR_FUZZ_USAGE observer');
    expect(code(['--peer', '2001:db8::1', '--asn', '1', '--peer-asn', '2', '--duration', '-1'])).to.equal('ERR_FUZZ_USAGE ');
    expect(code(['--replay', 'x.json', '--peer', '2001:db8::1'])).to.equal('ERR_FUZZ_USAGE peer');
    expect(code(['--bogus'])).to.equal('ERR_FUZZ_USAGE ');
  });

  it('fills defaults: port 179, 60 s, both default families', () => {
    const a = parseFuzzArgs(['--peer', '2001:db8::1', '--asn', '65002', '--peer-asn', '65001', '--seed', '7'], 0);
    expect(a).to.not.equal('help');
    const o = (a as Exclude<typeof a, 'help'>).options!;
    expect(o).to.deep.include({ peer: '2001:db8::1', port: 179, asn: 65002, peerAsn: 65001, seed: 7, durationS: 60 });
    expect(o.families.map((f) => f.name)).to.deep.equal(['ipv6-unicast', 'l2vpn-evpn']);
    const c = parseFuzzArgs(['--peer', '192.0.2.1', '--asn', '1', '--peer-asn', '2', '--cases', '10']) as { options: { durationS?: number; cases?: number } };
    expect(c.options.durationS).to.equal(undefined);
    expect(c.options.cases).to.equal(10);
  });

  it('is a command of evpn6', async () => {
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), readStdin: () => Promise.resolve('') };
    expect(MAIN_USAGE).to.include('fuzz --peer');
    expect(await main(['fuzz', '--help'], io)).to.equal(0);
    expect(lines).to.deep.equal([FUZZ_USAGE]);
  });

  it('exits 2 with the usage on stderr; a replay file that is not one is ERR_FUZZ_REPLAY, exit 1', async () => {
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(`out ${l}`), err: (l: string) => lines.push(`err ${l}`), readStdin: () => Promise.resolve('') };
    expect(await runFuzz(io, ['--peer', 'nope'])).to.equal(2);
    expect(lines.some((l) => l.startsWith('err') && l.includes('[ERR_FUZZ_USAGE]'))).to.equal(true);
    lines.length = 0;
    expect(await runFuzz(io, ['--replay', '/nonexistent/finding.json'])).to.equal(1);
    expect(lines.some((l) => l.includes('[ERR_FUZZ_REPLAY]'))).to.equal(true);
  });
});
