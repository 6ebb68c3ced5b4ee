import { Duplex } from 'node:stream';
import { createAccessFeature, type AccessFeatureOptions, type AgentFeature, type TerminalEnd } from '@outpost/agent';
import type { SimDeviceContext } from './sim-device-context.js';

// Where a simulated device's TCP ports lead, per device id: tests point a device's port 502 at a
// real local Modbus server this way. Unmapped ports go to 127.0.0.1 on the simulator's host.
const portMaps = new Map<string, Map<number, { host: string; port: number }>>();

/** Makes `tcp:<port>` on a simulated device reach a real service at host:localPort. */
export function exposeSimService(deviceId: string, port: number, to: { host?: string; port: number }): void {
  const m = portMaps.get(deviceId) ?? new Map();
  m.set(port, { host: to.host ?? '127.0.0.1', port: to.port });
  portMaps.set(deviceId, m);
}

/**
 * A restricted command console like a router's CLI: a line editor that echoes what it reads,
 * with a handful of read-only commands. Stands in for a pty console on simulated devices.
 */
export function createSimConsole(d: Pick<SimDeviceContext, 'deviceId' | 'profile'>): TerminalEnd {
  const prompt = `${d.profile.serial.toLowerCase()}> `;
  const commands: Record<string, () => string> = {
    help: () => 'commands: show version, show interfaces, show uptime, exit',
    'show version': () => `${d.profile.model} firmware ${d.profile.firmware} (serial ${d.profile.serial})`,
    'show interfaces': () => 'eth0   up    192.168.1.1/24\r\nwwan0  up    10.64.12.7/30',
    'show uptime': () => `up ${Math.floor(process.uptime())} s`,
  };
  let line = '';
  const stream: Duplex = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, done) {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          const cmd = line.trim();
          line = '';
          if (cmd === 'exit') {
            stream.push('\r\nbye\r\n');
            stream.push(null);
            return done();
          }
          const out = cmd ? (commands[cmd]?.() ?? `unknown command "${cmd}"; try help`) : '';
          stream.push(`\r\n${out ? `${out}\r\n` : ''}${prompt}`);
        } else if (ch === '\x7f' || ch === '\b') {
          if (line) stream.push('\b \b');
          line = line.slice(0, -1);
        } else if (ch >= ' ') {
          line += ch;
          stream.push(ch);
        }
      }
      done();
    },
  });
  stream.push(`${d.profile.model} ${d.deviceId} — simulated console\r\n${prompt}`);
  return { stream, resize: () => undefined, kill: () => stream.destroy() };
}

/** The access feature of a simulated device: local TCP through the port map, and the simulated console. */
export function simAccessFeature(d: SimDeviceContext): AgentFeature {
  if (!d.tls) return { name: 'access' };
  const options: AccessFeatureOptions = {
    tls: d.tls,
    localTcp: 'any',
    mapTcp: (port) => portMaps.get(d.deviceId)?.get(port) ?? null,
    console: { open: () => createSimConsole(d) },
  };
  return createAccessFeature(options);
}
