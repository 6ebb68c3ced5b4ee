import { createMemorySettingsStore, createSettingsFeature, type Settings, type SettingsFeature } from '@outpost/agent';
import type { SimDeviceContext } from './sim-device-context.js';

// Simulated devices of one process, by id, so tests and benchmarks can act as the technician directly.
const registry = new Map<string, SettingsFeature>();

/** The settings a simulated gateway starts with, varied a little by model and site. */
export function initialSettings(d: Pick<SimDeviceContext, 'index' | 'profile'>): Settings {
  const p = d.profile;
  return {
    'system.hostname': p.serial.toLowerCase(),
    'system.timezone': 'UTC',
    'system.location': p.site,
    'ntp.servers': ['0.pool.ntp.org', '1.pool.ntp.org'],
    'ssh.enabled': true,
    'ssh.port': 22,
    'ssh.password_auth': false,
    'firewall.wan.default_policy': 'drop',
    'firewall.wan.open_ports': [443],
    'firewall.lan.open_ports': [22, 443, 502],
    'snmp.enabled': false,
    'snmp.community': 'public',
    'syslog.server': '',
    'logging.level': 'info',
    'cellular.apn': p.model.startsWith('rtr') ? 'iot.operator.example' : 'internet',
    'cellular.roaming': false,
    'modbus.gateway.enabled': p.model === 'ser-2x',
    'modbus.gateway.port': 502,
    'web.enabled': true,
    'web.https_only': true,
  };
}

/** The settings feature of a simulated device: settings in memory, and a `sim-drift` technician. */
export function simSettingsFeature(d: SimDeviceContext): SettingsFeature {
  const f = createSettingsFeature({
    store: createMemorySettingsStore(initialSettings(d)),
    simulator: { random: d.random },
    checkIntervalMs: 60_000,
  });
  registry.set(d.deviceId, f);
  return f;
}

/** The settings feature of a simulated device running in this process, if any. */
export const simSettingsOf = (deviceId: string): SettingsFeature | undefined => registry.get(deviceId);
