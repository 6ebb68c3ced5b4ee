/**
 * One external broker: the URL hub replicas dial (its backend listener) and the one devices dial.
 * Written in OUTPOST_BROKERS as `mqtts://host:backendPort?devices=devicePort` (devices: same host;
 * default port 8883), or `?devices=mqtts://other-name:8883` when devices reach it by another name.
 */
export interface BrokerEndpoint {
  backendUrl: string;
  deviceUrl: string;
  /** What operators call it (`?name=`; default `broker-N`, N its place in the list from 1). */
  name: string;
}

export class BrokerListError extends Error {
  readonly code = 'invalid_brokers';
}

const MAX_BROKERS = 64;

/** Parses a comma-separated OUTPOST_BROKERS value; throws BrokerListError naming the bad entry. */
export function parseBrokerList(value: string): BrokerEndpoint[] {
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new BrokerListError('OUTPOST_BROKERS names no broker');
  if (entries.length > MAX_BROKERS) throw new BrokerListError(`OUTPOST_BROKERS: at most ${MAX_BROKERS} brokers`);
  const seen = new Set<string>();
  const names = new Set<string>();
  return entries.map((entry, index) => {
    let u: URL;
    try {
      u = new URL(entry);
    } catch {
      throw new BrokerListError(`OUTPOST_BROKERS: "${entry}" is not a URL`);
    }
    if (u.protocol !== 'mqtts:' || !u.hostname || !u.port)
      throw new BrokerListError(`OUTPOST_BROKERS: "${entry}" must be mqtts://host:port (TLS, explicit port)`);
    if (u.username || u.password) throw new BrokerListError('OUTPOST_BROKERS: no credentials in URLs');
    const devices = u.searchParams.get('devices') ?? '8883';
    const deviceUrl = /^\d{1,5}$/.test(devices) ? `mqtts://${u.hostname}:${devices}` : devices;
    const d = new URL(deviceUrl);
    if (d.protocol !== 'mqtts:' || !d.hostname || !d.port)
      throw new BrokerListError(
        `OUTPOST_BROKERS: devices=${devices} of "${entry}" must be a port or mqtts://host:port`,
      );
    const backendUrl = `mqtts://${u.hostname}:${u.port}`;
    if (seen.has(backendUrl)) throw new BrokerListError(`OUTPOST_BROKERS: ${backendUrl} is named twice`);
    seen.add(backendUrl);
    const name = u.searchParams.get('name') ?? `broker-${index + 1}`;
    if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(name) || names.has(name))
      throw new BrokerListError(`OUTPOST_BROKERS: name=${name} of "${entry}" is not a unique lowercase name`);
    names.add(name);
    return { backendUrl, deviceUrl: `mqtts://${d.hostname}:${d.port}`, name };
  });
}

export const deviceFacingUrl = (b: BrokerEndpoint) => b.deviceUrl;
