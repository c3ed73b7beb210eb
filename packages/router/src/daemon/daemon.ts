/**
 * `evpn6 run`: the configuration file, a dataplane, the Router and the control socket, held
 * together for the life of the process. Signals: SIGTERM/SIGINT stop cleanly (Cease to peers,
 * every FDB entry we installed removed), SIGHUP reloads the file and applies the difference.
 */
import { mkdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { dirname } from 'node:path';
import { ConfigError } from '../config/errors.js';
import { loadConfigFile } from '../config/load.js';
import type { RouterConfig } from '../config/types.js';
import { DpdkDataplane } from '../dataplane/dpdk.js';
import { KernelDataplane } from '../dataplane/kernel.js';
import { netlinkUnderlayProbe } from '../dataplane/underlay-probe.js';
import { forwarderUnavailable } from '../forwarder/binding.js';
import { Forwarder } from '../forwarder/forwarder.js';
import { NoneDataplane } from '../dataplane/none.js';
import { DATAPLANE_GROUPS, netlinkOps } from '../dataplane/rtnl-ops.js';
import type { Dataplane, VniInfo } from '../dataplane/types.js';
import { NetlinkClient } from '../netlink/client.js';
import { VXLAN_IANA_PORT } from '../netlink/constants.js';
import { ControlServer, errorAnswer, type ControlAnswer, type ControlRequest } from './control.js';
import { DaemonError, DaemonErrorCode } from './errors.js';
import type { DaemonLogger } from './logger.js';
import { Router } from './router.js';
import { showContextOf } from './show-context.js';
import { runShowCommand } from './show-command.js';
import { configuredSiteAddress, type InterfaceAddresses } from './speaker-config.js';

export const DATAPLANE_KINDS = ['kernel', 'dpdk', 'none'] as const;
export type DataplaneKind = (typeof DATAPLANE_KINDS)[number];

export interface DaemonOptions {
  readonly configFile: string;
  readonly dataplane: DataplaneKind;
  readonly bgpPort: number;
  readonly socketPath: string;
  readonly logger: DaemonLogger;
}

export function hostInterfaces(): InterfaceAddresses {
  const out = new Map<string, string[]>();
  for (const [name, list] of Object.entries(networkInterfaces())) {
    out.set(
      name,
      (list ?? []).map((a) => a.address.replace(/%.*$/, '')),
    );
  }
  return out;
}

/**
 * `--dataplane none`: the configured `vni` blocks are the segments, and our VTEP is the first
 * update-source (or `network`) address, since there is no device to read it from.
 */
function configuredSegments(config: RouterConfig, interfaces: InterfaceAddresses): VniInfo[] {
  const vtep = configuredSiteAddress(config, interfaces) ?? null;
  return config.bgp.evpn.vnis.map((v) => ({ vni: v.vni, localVtep: vtep, port: VXLAN_IANA_PORT, device: `vni${v.vni}` }));
}

interface OpenDataplane {
  readonly dataplane: Dataplane;
  /** Releases what the dataplane needed besides itself (netlink sockets). */
  readonly release: () => void;
}

function openDataplane(kind: DataplaneKind, config: RouterConfig, file: string): OpenDataplane {
  switch (kind) {
    case 'none':
      return { dataplane: new NoneDataplane(configuredSegments(config, hostInterfaces())), release: () => undefined };
    case 'kernel': {
      let requests: NetlinkClient | undefined;
      try {
        requests = NetlinkClient.open();
        const monitor = NetlinkClient.open({ groups: DATAPLANE_GROUPS });
        const r = requests;
        return {
          dataplane: new KernelDataplane(netlinkOps(r, monitor)),
          release: () => {
            r.close();
            monitor.close();
          },
        };
      } catch (e) {
        requests?.close();
        throw new DaemonError(DaemonErrorCode.dataplane, `kernel dataplane: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    case 'dpdk': {
      const dpdk = config.dpdk;
      if (dpdk === undefined) {
        throw new DaemonError(DaemonErrorCode.dataplane, `dpdk dataplane: ${file} has no "dataplane dpdk" block (EAL arguments, underlay and LAN ports; see docs/config.md)`);
      }
      const unavailable = forwarderUnavailable();
      if (unavailable !== null) throw new DaemonError(DaemonErrorCode.dataplane, `dpdk dataplane: ${unavailable}`);
      let client: NetlinkClient;
      try {
        client = NetlinkClient.open();
      } catch (e) {
        throw new DaemonError(DaemonErrorCode.dataplane, `dpdk dataplane: cannot read the underlay TAP over netlink: ${e instanceof Error ? e.message : String(e)}`);
      }
      return {
        dataplane: new DpdkDataplane({
          config: dpdk,
          startForwarder: (options) => Forwarder.start(options),
          probe: netlinkUnderlayProbe(client, dpdk.underlay.tap),
          idleSleepUs: dpdk.idleSleepUs,
        }),
        release: () => client.close(),
      };
    }
  }
}

/** A started daemon; `done` resolves with the exit status once it has stopped. */
export interface Daemon {
  readonly router: Router;
  readonly control: ControlServer;
  readonly done: Promise<number>;
  /** What SIGTERM does. */
  stop(reason?: string): Promise<void>;
  /** What SIGHUP does. */
  reload(): Promise<ControlAnswer>;
}

/** Starts everything; throws ConfigError or DaemonError (nothing left running) when it cannot. */
export async function startDaemon(options: DaemonOptions, handleSignals = true): Promise<Daemon> {
  const log = options.logger;
  const config = loadConfigFile(options.configFile);
  const { dataplane, release } = openDataplane(options.dataplane, config, options.configFile);
  let router: Router;
  try {
    router = await Router.start({
      config,
      dataplane,
      listen: { port: options.bgpPort },
      logger: log,
      interfaces: hostInterfaces,
    });
  } catch (e) {
    release();
    throw e;
  }
  const reload = async (): Promise<ControlAnswer> => {
    try {
      const next = loadConfigFile(options.configFile);
      const result = await router.reload(next);
      return { ok: true, json: result };
    } catch (e) {
      if (e instanceof ConfigError) for (const p of e.errors) log.error('reload refused: configuration error', { ...p });
      else log.error('reload refused', { error: e instanceof Error ? e.message : String(e) });
      return errorAnswer(e);
    }
  };
  const handler = (req: ControlRequest): Promise<ControlAnswer> | ControlAnswer => {
    switch (req.command) {
      case 'show': {
        const r = runShowCommand(showContextOf(router), req.words ?? [], req.json === true);
        return r.kind === 'json' ? { ok: true, json: r.value } : { ok: true, text: r.text };
      }
      case 'reload':
        return reload();
      default:
        throw new DaemonError(DaemonErrorCode.badRequest, `unknown command "${req.command}" (show, reload)`);
    }
  };
  let control: ControlServer;
  try {
    mkdirSync(dirname(options.socketPath), { recursive: true });
    control = await ControlServer.listen(options.socketPath, handler);
  } catch (e) {
    await router.stop('start failed');
    release();
    throw e;
  }
  log.info('control socket listening', { socket: options.socketPath });

  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finish = resolve));
  let stopping: Promise<void> | undefined;
  const signals: [NodeJS.Signals, () => void][] = [];
  const stop = (reason = 'evpn6 shutting down'): Promise<void> => {
    stopping ??= (async () => {
      for (const [sig, fn] of signals) process.off(sig, fn);
      log.info('stopping', { reason });
      let code = 0;
      try {
        await control.close();
        await router.stop(reason);
      } catch (e) {
        code = 1;
        log.error('stop failed', { error: e instanceof Error ? e.message : String(e) });
      }
      release();
      finish(code);
    })();
    return stopping;
  };
  if (handleSignals) {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) signals.push([sig, () => void stop(`evpn6 received ${sig}`)]);
    signals.push(['SIGHUP', () => void reload()]);
    for (const [sig, fn] of signals) process.on(sig, fn);
  }
  return { router, control, done, stop, reload };
}
