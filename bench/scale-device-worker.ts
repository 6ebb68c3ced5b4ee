// One process of lean simulated devices (scale-device.ts): loads its range of identities, starts
// them spread over the ramp, and reports how many are online to its parent each second.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DialGate, LeanDevice, type LeanIdentity } from './scale-device.js';

export interface DeviceWorkerRequest {
  type: 'start';
  /** `<identities>/<fingerprint prefix>`. */
  base: string;
  first: number;
  count: number;
  rampMs: number;
  healthIntervalS: number;
  backoff: { baseMs: number; capMs: number };
  connectTimeoutMs: number;
  /** Handshakes in progress at once in this process. */
  dialsInFlight: number;
}

export type DeviceWorkerReply =
  { type: 'started' } | { type: 'online'; online: number } | { type: 'failed'; error: string };

const reply = (m: DeviceWorkerReply) => process.send?.(m);
const devices: LeanDevice[] = [];
let seed = 1;
const random = () => {
  // xorshift: reproducible jitter without a generator object per device.
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
};

function load(base: string, i: number): LeanIdentity {
  const deviceId = `sim-${String(i).padStart(5, '0')}`;
  const dir = join(base, deviceId);
  const meta = JSON.parse(readFileSync(join(dir, 'identity.json'), 'utf8')) as { mqttUrl: string };
  const creds = readFileSync(join(dir, 'credentials.pem'), 'utf8');
  const cut = creds.indexOf('-----BEGIN PRIVATE KEY-----');
  return {
    deviceId,
    mqttUrl: meta.mqttUrl,
    certPem: creds.slice(0, cut),
    keyPem: creds.slice(cut),
    caPem: readFileSync(join(dir, 'ca.crt'), 'utf8'),
  };
}

process.on('message', (m: DeviceWorkerRequest | { type: 'stop' }) => {
  if (m.type === 'stop') {
    for (const d of devices) d.stop();
    process.exit(0);
  }
  try {
    seed = m.first * 2654435761 || 1;
    // One CA text shared by every device of the worker, not one copy each.
    let caPem = '';
    const gate = new DialGate(m.dialsInFlight);
    for (let k = 0; k < m.count; k++) {
      const id = load(m.base, m.first + k);
      if (id.caPem === caPem) id.caPem = caPem;
      else caPem = id.caPem;
      devices.push(
        new LeanDevice(id, {
          healthIntervalS: m.healthIntervalS,
          backoff: m.backoff,
          connectTimeoutMs: m.connectTimeoutMs,
          random,
          gate,
        }),
      );
    }
    devices.forEach((d, k) => setTimeout(() => d.start(), (m.rampMs * k) / Math.max(1, devices.length)));
    reply({ type: 'started' });
    setInterval(() => reply({ type: 'online', online: devices.reduce((n, d) => n + (d.online ? 1 : 0), 0) }), 1000);
  } catch (err) {
    reply({ type: 'failed', error: (err as Error).message });
    process.exit(1);
  }
});
// Without its parent (a run that failed or was stopped) the devices have no one to report to.
process.on('disconnect', () => process.exit(0));
