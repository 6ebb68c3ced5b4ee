import type * as UA from 'node-opcua';
import type { DataType as PointType } from '@outpost/protocol';
import type { StreamsReader } from '../../streams/index.js';
import { pointStatus, type PointStatus, type StatusRules } from '../point-status.js';
import type { ScadaWrite, WriteOutcome } from '../scada-writes.js';
import type { SharedDevice, SharedPoint, SharedPoints, SharingChange } from '../shared-points.js';
import { historyReader } from './opcua-history.js';

// The address space: Objects/Outpost/<site>/<device>/<point>, plus each device's `Online` and
// `Health`. Node ids are stable strings (`ns=1;s=<device>/<point>`). Values are pushed with their
// honest status on every change (so subscriptions hear at once); statuses are judged again on a
// tick, so a value that stops coming turns Uncertain_LastUsableValue.

type Ua = typeof UA;

const VARIANT: Record<PointType, keyof typeof UA.DataType> = { number: 'Double', boolean: 'Boolean', string: 'String' };
const EMPTY: Record<PointType, number | boolean | string> = { number: 0, boolean: false, string: '' };

interface PointNode {
  variable: UA.UAVariable;
  status: PointStatus;
  type: PointType;
}

interface DeviceNode {
  folder: UA.UAObject;
  online: UA.UAVariable;
  health: UA.UAVariable;
  points: Map<string, PointNode>;
}

export interface AddressSpaceDeps {
  ua: Ua;
  addressSpace: UA.AddressSpace;
  points: SharedPoints;
  streams: Pick<StreamsReader, 'raw' | 'rollups'>;
  rules: StatusRules;
  nowMs(): number;
  /** The folder a device sits in (its site or group). */
  siteOf(deviceId: string): Promise<string>;
  /** The SCADA user behind a session, and whether that user may write. */
  userOf(context: UA.ISessionContext): { user: string; canWrite: boolean } | null;
  write(w: ScadaWrite): Promise<WriteOutcome>;
}

export function createOpcUaAddressSpace(d: AddressSpaceDeps) {
  const { ua } = d;
  const ns = d.addressSpace.getOwnNamespace();
  const root = ns.addObject({
    browseName: 'Outpost',
    organizedBy: d.addressSpace.rootFolder.objects,
    nodeId: 's=Outpost',
  });
  const sites = new Map<string, UA.UAObject>();
  const devices = new Map<string, DeviceNode>();

  function siteFolder(site: string): UA.UAObject {
    let f = sites.get(site);
    if (!f) {
      f = ns.addObject({ browseName: site, organizedBy: root, nodeId: `s=site:${site}` });
      sites.set(site, f);
    }
    return f;
  }

  async function deviceNode(dev: SharedDevice): Promise<DeviceNode> {
    const have = devices.get(dev.id);
    if (have) return have;
    const site = await d.siteOf(dev.id);
    const again = devices.get(dev.id);
    if (again) return again;
    const folder = ns.addObject({ browseName: dev.id, organizedBy: siteFolder(site), nodeId: `s=${dev.id}` });
    const online = ns.addVariable({
      componentOf: folder,
      browseName: 'Online',
      nodeId: `s=${dev.id}/Online`,
      dataType: 'Boolean',
      value: { dataType: ua.DataType.Boolean, value: dev.online },
    });
    const health = ns.addVariable({
      componentOf: folder,
      browseName: 'Health',
      nodeId: `s=${dev.id}/Health`,
      dataType: 'String',
      value: { dataType: ua.DataType.String, value: 'unknown' },
    });
    const node = { folder, online, health, points: new Map<string, PointNode>() };
    devices.set(dev.id, node);
    return node;
  }

  function push(dev: SharedDevice, p: SharedPoint, node: PointNode, force: boolean): void {
    const status = pointStatus(dev, p, d.nowMs(), d.rules);
    if (!force && status === node.status) return;
    node.status = status;
    const v = p.value?.value;
    const value =
      v === null || v === undefined || typeof v !== (node.type === 'number' ? 'number' : node.type)
        ? EMPTY[node.type]
        : v;
    const when = p.value ? new Date(p.value.sourceTs) : new Date(d.nowMs());
    node.variable.setValueFromSource(
      { dataType: ua.DataType[VARIANT[node.type]], value },
      ua.StatusCodes[status],
      when,
    );
  }

  function guardWrites(variable: UA.UAVariable, deviceId: string, point: string): void {
    // Every write goes through the hub's checks and the device's guard; nothing is stored here.
    const writeValue = (context: UA.ISessionContext, dataValue: UA.DataValue, ...rest: unknown[]) => {
      const callback = rest[rest.length - 1] as (err: Error | null, s?: UA.StatusCode) => void;
      const who = d.userOf(context);
      if (!who) return callback(null, ua.StatusCodes.BadUserAccessDenied);
      const value = dataValue.value?.value as unknown;
      if (typeof value !== 'number' && typeof value !== 'boolean' && typeof value !== 'string')
        return callback(null, ua.StatusCodes.BadTypeMismatch);
      d.write({ user: who.user, canWrite: who.canWrite, deviceId, point, value, via: 'opcua' }).then(
        (out) => callback(null, ua.StatusCodes[out.status]),
        () => callback(null, ua.StatusCodes.BadInternalError),
      );
    };
    (variable as unknown as { writeValue: unknown }).writeValue = writeValue;
  }

  function addPoint(dev: SharedDevice, dn: DeviceNode, p: SharedPoint): PointNode {
    const def = p.def;
    const A = ua.AccessLevelFlag;
    // Writable points accept a write attempt; the hub's switch and the user's role are checked per write.
    const access = A.CurrentRead | A.HistoryRead | (def.writable ? A.CurrentWrite : 0);
    const variable = ns.addVariable({
      componentOf: dn.folder,
      browseName: def.point,
      nodeId: `s=${dev.id}/${def.point}`,
      description: def.description,
      dataType: VARIANT[def.type],
      accessLevel: access,
      userAccessLevel: access,
      historizing: true,
      minimumSamplingInterval: 0,
    });
    (variable as unknown as { _historyRead: UA.HistoryReadFunc })._historyRead = historyReader(
      ua,
      d.streams,
      { deviceId: dev.id, point: def.point, type: def.type },
      d.nowMs,
    );
    if (def.writable) guardWrites(variable, dev.id, def.point);
    const node: PointNode = { variable, status: 'BadWaitingForInitialData', type: def.type };
    dn.points.set(def.point, node);
    push(dev, p, node, true);
    return node;
  }

  async function sync(dev: SharedDevice): Promise<DeviceNode> {
    const dn = await deviceNode(dev);
    for (const p of dev.points.values()) if (!dn.points.has(p.def.point)) addPoint(dev, dn, p);
    return dn;
  }

  async function onChange(c: SharingChange): Promise<void> {
    const dev = d.points.device(c.deviceId);
    if (!dev) return;
    const dn = await sync(dev);
    if (c.kind === 'presence') {
      dn.online.setValueFromSource({ dataType: ua.DataType.Boolean, value: c.online });
      for (const p of dev.points.values()) push(dev, p, dn.points.get(p.def.point)!, false);
    } else if (c.kind === 'values') {
      for (const p of c.points) {
        const node = dn.points.get(p.def.point);
        if (node) push(dev, p, node, true);
      }
    }
  }

  return {
    async loadAll(): Promise<void> {
      for (const dev of d.points.devices()) await sync(dev);
    },
    onChange,
    /** Judges every value again (age), pushing only those whose status changed. */
    tick(): void {
      for (const [id, dn] of devices) {
        const dev = d.points.device(id);
        if (!dev) continue;
        for (const [name, node] of dn.points) {
          const p = dev.points.get(name);
          if (p) push(dev, p, node, false);
        }
      }
    },
    setHealth(deviceId: string, state: string): void {
      devices.get(deviceId)?.health.setValueFromSource({ dataType: ua.DataType.String, value: state });
    },
    deviceIds: (): string[] => [...devices.keys()],
    variableCount: (): number => [...devices.values()].reduce((n, dn) => n + dn.points.size, 0),
  };
}
