import type { Duplex } from 'node:stream';
import type { GrantKey, GuardEvent, GuardPolicy, GuardSessionEvent, RejectedGrant } from '@outpost/guard';
import { createModbusTcpProxy } from './modbus-tcp.proxy.js';
import { createDnp3TcpProxy } from './dnp3-tcp.proxy.js';
import { createMmsTcpProxy } from './mms-tcp.proxy.js';
import { createModbusRtuBridge } from './modbus-rtu.bridge.js';
import { createDnp3SerialBridge } from './dnp3-serial.bridge.js';
import { createConsoleTap, type ConsoleSessionStats } from './console.tap.js';
import { openSerialPort } from './serial-port.opener.js';
import { guardName, type GuardSpec } from './guard-spec.js';
import type { Endpoint } from './tcp-relay.server.js';
import type { IdentityListener } from './ot-guard.types.js';
import { serialInterface, tcpInterface } from './field-interface.js';

/** One configured guard, running: the same handle whatever its kind. */
export interface RunningGuard {
  readonly name: string;
  readonly spec: GuardSpec;
  /** Where masters connect (TCP guards). */
  readonly address?: Endpoint;
  setPolicy(policy: GuardPolicy): void;
  /** Replaces the grants and the key that verifies them; returns those refused. */
  setGrants(grants: readonly unknown[], key: GrantKey | undefined): RejectedGrant[];
  /** Statistics of what is in progress now (open connections, the serial session). */
  snapshots(): Array<GuardSessionEvent | ConsoleSessionStats>;
  close(): Promise<void>;
}

export interface GuardRunContext {
  deviceId: string;
  policy: GuardPolicy;
  grants: readonly unknown[];
  grantKey: GrantKey | undefined;
  clock: () => number;
  onEvent(e: GuardEvent): void;
  onConsoleSession(s: ConsoleSessionStats): void;
  onIdentity?: IdentityListener;
  openSerial?: (path: string) => Duplex;
}

/** Identities a guard reads from masters' exchanges, marked passive and with where the device sits. */
function passiveAt(listener: IdentityListener | undefined, where: string): IdentityListener | undefined {
  if (!listener) return undefined;
  return (protocol, address, identity, origin) =>
    listener(protocol, address, identity, origin ?? { source: 'passive', interface: where });
}

async function tcpGuard(
  spec: Extract<GuardSpec, { kind: 'modbus-tcp' | 'dnp3-tcp' | 'mms-tcp' }>,
  c: GuardRunContext,
): Promise<RunningGuard> {
  const create =
    spec.kind === 'modbus-tcp'
      ? createModbusTcpProxy
      : spec.kind === 'dnp3-tcp'
        ? createDnp3TcpProxy
        : createMmsTcpProxy;
  const proxy = await create({
    listen: spec.listen,
    upstream: spec.upstream,
    policy: c.policy,
    grants: c.grants,
    deviceId: c.deviceId,
    trustedGrantKey: c.grantKey,
    onEvent: c.onEvent,
    clock: c.clock,
    onIdentity: passiveAt(c.onIdentity, tcpInterface(spec.upstream)),
  });
  return {
    name: guardName(spec),
    spec,
    address: proxy.address,
    setPolicy: (p) => proxy.setPolicy(p),
    setGrants: (g, k) => proxy.setGrants(g, k),
    snapshots: () => proxy.sessions(),
    close: () => proxy.close(),
  };
}

/** The parts a serial bridge shares, whichever protocol it carries. */
interface SerialBridge {
  setPolicy(p: GuardPolicy): void;
  setGrants(...args: Parameters<RunningGuard['setGrants']>): ReturnType<RunningGuard['setGrants']>;
  stats(): ReturnType<RunningGuard['snapshots']>[number];
  close(): void;
}

/** A bridge between two serial lines (master side, device side), closed with both of them. */
function serialBridgeGuard(
  spec: Extract<GuardSpec, { kind: 'modbus-rtu' | 'dnp3-serial' }>,
  c: GuardRunContext,
  create: (master: Duplex, device: Duplex, common: SerialBridgeCommon) => SerialBridge,
): RunningGuard {
  const open = c.openSerial ?? openSerialPort;
  const master = open(spec.master);
  const device = open(spec.device);
  const bridge = create(master, device, {
    policy: c.policy,
    grants: c.grants,
    deviceId: c.deviceId,
    trustedGrantKey: c.grantKey,
    onEvent: c.onEvent,
    clock: c.clock,
    masterLabel: `serial:${spec.master}`,
  });
  return {
    name: guardName(spec),
    spec,
    setPolicy: (p) => bridge.setPolicy(p),
    setGrants: (g, k) => bridge.setGrants(g, k),
    snapshots: () => [bridge.stats()],
    async close() {
      bridge.close();
      master.destroy();
      device.destroy();
    },
  };
}

type SerialBridgeCommon = {
  policy: GuardRunContext['policy'];
  grants: GuardRunContext['grants'];
  deviceId: string;
  trustedGrantKey: GuardRunContext['grantKey'];
  onEvent: GuardRunContext['onEvent'];
  clock: GuardRunContext['clock'];
  masterLabel: string;
};

const rtuGuard = (spec: Extract<GuardSpec, { kind: 'modbus-rtu' }>, c: GuardRunContext) =>
  serialBridgeGuard(spec, c, (master, device, common) =>
    createModbusRtuBridge({
      master,
      device,
      baudRate: spec.baudRate,
      onIdentity: c.onIdentity,
      interfaceLabel: serialInterface('rtu', spec.device),
      ...common,
    }),
  );

const dnp3SerialGuard = (spec: Extract<GuardSpec, { kind: 'dnp3-serial' }>, c: GuardRunContext) =>
  serialBridgeGuard(spec, c, (master, device, common) =>
    createDnp3SerialBridge({
      master,
      device,
      onIdentity: passiveAt(c.onIdentity, serialInterface('serial', spec.device)),
      ...common,
    }),
  );

function consoleGuard(spec: Extract<GuardSpec, { kind: 'console' }>, c: GuardRunContext): RunningGuard {
  const open = c.openSerial ?? openSerialPort;
  const terminal = open(spec.terminal);
  const device = open(spec.device);
  const tap = createConsoleTap({
    terminal,
    device,
    port: spec.device,
    clock: c.clock,
    onEvent: c.onEvent,
    onSession: c.onConsoleSession,
  });
  return {
    name: guardName(spec),
    spec,
    // A console carries no Modbus or DNP3: policy and grants do not apply.
    setPolicy: () => undefined,
    setGrants: () => [],
    snapshots: () => {
      const s = tap.current();
      return s ? [s] : [];
    },
    async close() {
      tap.close();
      terminal.destroy();
      device.destroy();
    },
  };
}

/** Starts the guard a spec describes. */
export async function startGuard(spec: GuardSpec, c: GuardRunContext): Promise<RunningGuard> {
  if (spec.kind === 'modbus-tcp' || spec.kind === 'dnp3-tcp' || spec.kind === 'mms-tcp') return tcpGuard(spec, c);
  if (spec.kind === 'modbus-rtu') return rtuGuard(spec, c);
  if (spec.kind === 'dnp3-serial') return dnp3SerialGuard(spec, c);
  return consoleGuard(spec, c);
}
