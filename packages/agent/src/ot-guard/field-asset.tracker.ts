import type { FieldDeviceIdentity } from '@outpost/guard';
import type { IdentityOrigin } from './ot-guard.types.js';

// The field devices a guard has seen identify themselves (Modbus FC 43/14 replies, DNP3 group 0
// attributes), per protected target. Bounded: at most `maxPerTarget` devices per target, keyed
// by Modbus unit id or DNP3 outstation address; a device past the bound is not added (counted
// in `dropped`). A Modbus reply sent in parts (more follows) merges into the device's record.
// Each record says how its identity was last learnt (a master's exchange or the guard's own
// query) and where the device sits (the guard's upstream, a serial line).

export type FieldProtocol = 'modbus' | 'dnp3';

export interface FieldAssetRecord {
  target: string;
  protocol: FieldProtocol;
  /** Modbus unit id or DNP3 outstation address. */
  address: number;
  identity: FieldDeviceIdentity;
  firstSeen: number;
  lastSeen: number;
  source?: IdentityOrigin['source'];
  interface?: string;
}

export interface FieldAssetTrackerOptions {
  maxPerTarget?: number;
  maxTargets?: number;
}

export const DEFAULT_MAX_ASSETS_PER_TARGET = 64;
const DEFAULT_MAX_TARGETS = 32;

export class FieldAssetTracker {
  private readonly targets = new Map<string, Map<string, FieldAssetRecord>>();
  private readonly maxPerTarget: number;
  private readonly maxTargets: number;
  private version = 0;
  dropped = 0;

  constructor(o: FieldAssetTrackerOptions = {}) {
    this.maxPerTarget = o.maxPerTarget ?? DEFAULT_MAX_ASSETS_PER_TARGET;
    this.maxTargets = o.maxTargets ?? DEFAULT_MAX_TARGETS;
  }

  /** Records what one device said; true when the inventory changed (new device or new values). */
  observe(
    target: string,
    protocol: FieldProtocol,
    address: number,
    identity: FieldDeviceIdentity,
    now: number,
    origin?: IdentityOrigin,
  ) {
    let devices = this.targets.get(target);
    if (!devices) {
      if (this.targets.size >= this.maxTargets) return this.drop();
      devices = new Map();
      this.targets.set(target, devices);
    }
    const key = `${protocol}:${address}`;
    const known = devices.get(key);
    if (!known) {
      if (devices.size >= this.maxPerTarget) return this.drop();
      const at = origin ? { source: origin.source, interface: origin.interface } : {};
      devices.set(key, { target, protocol, address, identity: { ...identity }, firstSeen: now, lastSeen: now, ...at });
      this.version++;
      return true;
    }
    known.lastSeen = now;
    const merged: FieldDeviceIdentity = { ...known.identity, ...identity };
    if (known.identity.other || identity.other) merged.other = { ...known.identity.other, ...identity.other };
    const moved = origin !== undefined && (origin.source !== known.source || origin.interface !== known.interface);
    if (!moved && JSON.stringify(merged) === JSON.stringify(known.identity)) return false;
    known.identity = merged;
    if (origin) Object.assign(known, { source: origin.source, interface: origin.interface });
    this.version++;
    return true;
  }

  /** Grows at every change; a reporter compares it with the one it last sent. */
  get changes(): number {
    return this.version;
  }

  list(): FieldAssetRecord[] {
    const out: FieldAssetRecord[] = [];
    for (const devices of this.targets.values()) for (const a of devices.values()) out.push({ ...a });
    return out.sort((a, b) => a.target.localeCompare(b.target) || a.address - b.address);
  }

  private drop(): false {
    this.dropped++;
    return false;
  }
}
