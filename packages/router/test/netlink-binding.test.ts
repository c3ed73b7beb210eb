/**
 * The native netlink binding against the kernel of the namespace the tests run in: read-only
 * requests only (dumps and GETs), so no privilege or namespace is needed. Fails — with the build
 * command in the message — when native/ is not built.
 */
import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  AddressFamily,
  NativeError,
  NetlinkClient,
  NetlinkKernelError,
  NetlinkSocket,
  NetlinkStateError,
  RtmType,
  RtnlGroup,
  listAddresses,
  listLinks,
  nativeNetlinkUnavailable,
  type LinkMessage,
} from '../src/netlink/index.js';

const emptyLink = (index = 0): LinkMessage => ({ kind: 'link', family: AddressFamily.unspec, deviceType: 0, index, flags: 0, change: 0, unknown: [] });

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

/** Runs a module in a fresh node and resolves with its exit code, or 'alive' after `ms`. */
function runChild(source: string, ms: number): Promise<number | 'alive'> {
  const child = spawn(process.execPath, ['--conditions=@evpn6/source', '--import', 'tsx', '--input-type=module', '-e', source], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      resolve('alive');
    }, ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? -1);
    });
  });
}

const netlinkModule = fileURLToPath(new URL('../src/netlink/index.ts', import.meta.url));

describe('netlink binding (native addon)', function () {
  this.timeout(20000);
  let client: NetlinkClient;

  before(function () {
    const why = nativeNetlinkUnavailable();
    if (why !== null) throw new Error(`netlink tests need the native addon: ${why}`);
    client = NetlinkClient.open();
  });
  after(() => client?.close());

  it('dumps the links of this namespace like `ip -j link show`', async () => {
    const links = await listLinks(client);
    const ip = JSON.parse(execFileSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' })) as { ifindex: number; ifname: string; mtu: number }[];
    const ours = links.map((l) => ({ ifindex: l.index, ifname: l.name, mtu: l.mtu })).sort((a, b) => a.ifindex - b.ifindex);
    const theirs = ip.map((l) => ({ ifindex: l.ifindex, ifname: l.ifname, mtu: l.mtu })).sort((a, b) => a.ifindex - b.ifindex);
    expect(ours).to.deep.equal(theirs);
    expect(links.find((l) => l.index === 1)?.name).to.equal('lo');
  });

  it('dumps addresses (loopback has 127.0.0.1/8)', async () => {
    const addrs = await listAddresses(client, { family: AddressFamily.inet, index: 1 });
    expect(addrs.some((a) => a.local === '127.0.0.1' && a.prefixLength === 8)).to.equal(true);
    expect(addrs.every((a) => a.family === AddressFamily.inet && a.index === 1)).to.equal(true);
  });

  it('answers a GET request with its reply, then the ACK', async () => {
    const reply = await client.request(RtmType.getLink, emptyLink(1));
    expect(reply).to.have.length(1);
    expect((reply[0]!.body as LinkMessage).name).to.equal('lo');
  });

  it('turns NLMSG_ERROR into NetlinkKernelError named after the errno', async () => {
    const e = await rejection(client.request(RtmType.getLink, emptyLink(0x7ffffff0)));
    expect(e).to.be.instanceOf(NetlinkKernelError);
    expect(e.code).to.equal('ERR_NETLINK_ENODEV');
    expect((e as NetlinkKernelError).requestType).to.equal(RtmType.getLink);
  });

  it('keeps many concurrent dumps apart by sequence number', async () => {
    const results = await Promise.all(Array.from({ length: 25 }, () => listLinks(client)));
    const n = results[0]!.length;
    for (const r of results) expect(r.map((l) => l.index)).to.deep.equal(results[0]!.map((l) => l.index));
    expect(n).to.be.greaterThan(0);
  });

  it('reports setsockopt failures as NativeError with the errno in the code', () => {
    const s = NetlinkSocket.open({ onDatagrams() {}, onOverrun() {}, onError() {} });
    try {
      let caught: unknown;
      try {
        s.join(0xffffffff);
      } catch (e) {
        caught = e;
      }
      expect(caught).to.be.instanceOf(NativeError);
      expect((caught as NativeError).code).to.match(/^ERR_NETLINK_E[A-Z]+$/);
      s.join(RtnlGroup.link);
      s.leave(RtnlGroup.link);
    } finally {
      s.close();
    }
  });

  it('close() fails pending requests, later ones, and sends', async () => {
    const c = NetlinkClient.open();
    const pending = listLinks(c);
    c.close();
    c.close();
    expect((await rejection(pending)).code).to.equal('ERR_NETLINK_CLOSED');
    const later = await rejection(listLinks(c));
    expect(later).to.be.instanceOf(NetlinkStateError);
    expect(later.code).to.equal('ERR_NETLINK_CLOSED');
    const s = NetlinkSocket.open({ onDatagrams() {}, onOverrun() {}, onError() {} });
    s.close();
    expect(s.closed).to.equal(true);
    expect(() => s.send(new Uint8Array(16))).to.throw(NativeError).with.property('code', 'ERR_NETLINK_EBADF');
  });

  it('a closed monitor does not keep the process alive; an open one does until unref()', async () => {
    const imp = `import { NetlinkClient, RtnlGroup, listLinks } from ${JSON.stringify(netlinkModule)};`;
    const closed = `${imp} const m = NetlinkClient.open({ groups: [RtnlGroup.link, RtnlGroup.neigh] }); await listLinks(m); m.close();`;
    expect(await runChild(closed, 8000)).to.equal(0);
    const unref = `${imp} const m = NetlinkClient.open({ groups: [RtnlGroup.link] }); await listLinks(m); m.unref();`;
    expect(await runChild(unref, 8000)).to.equal(0);
    const open = `${imp} const m = NetlinkClient.open({ groups: [RtnlGroup.link] }); await listLinks(m);`;
    expect(await runChild(open, 3000)).to.equal('alive');
    // A request-only client does not hold the loop once its requests are answered.
    const requests = `${imp} const c = NetlinkClient.open(); await listLinks(c);`;
    expect(await runChild(requests, 8000)).to.equal(0);
  });
});

describe('netlink binding without the native addon', function () {
  this.timeout(20000);

  it('fails with NativeUnavailableError (ERR_NATIVE_UNAVAILABLE) naming the build command', async () => {
    const source = `
      const m = await import(${JSON.stringify(netlinkModule)});
      try { m.NetlinkClient.open(); console.log('opened'); }
      catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message, why: m.nativeNetlinkUnavailable() })); }`;
    const child = spawn(process.execPath, ['--conditions=@evpn6/source', '--import', 'tsx', '--input-type=module', '-e', source], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, EVPN6_NATIVE_DIR: '/nonexistent/evpn6-native' },
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise((res) => child.on('exit', res));
    expect(code).to.equal(0);
    const r = JSON.parse(out) as { name: string; code: string; message: string; why: string };
    expect(r.name).to.equal('NativeUnavailableError');
    expect(r.code).to.equal('ERR_NATIVE_UNAVAILABLE');
    expect(r.message).to.include('npm run build:native');
    expect(r.why).to.equal(r.message);
  });
});
