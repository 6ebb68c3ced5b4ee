import { createDiagnosticsFeature, parseDiagnostics, type AgentFeature, type ProcessOutcome } from '@outpost/agent';
import type { SimDeviceContext } from './sim-device-context.js';

// Simulated devices declare a few diagnostics as a gateway owner would and answer them with
// output shaped like the real tools (`ip -j addr`, `mmcli -m 0 -J`, `ping`, `uptime`). The
// agent's own diagnostics feature checks names and parameters; only the process is simulated.

export const SIM_DIAGNOSTICS = [
  'ip-addr=/usr/sbin/ip -j addr',
  'modem=/usr/bin/mmcli -m 0 -J',
  'modem-reset[timeout=30]=/usr/bin/mmcli -m 0 --reset',
  'ping-host[timeout=15]=/bin/ping -c 3 {param}',
  'uptime=/usr/bin/uptime',
];
export const SIM_DIAGNOSTIC_PARAMS = ['ping-host=^[a-z0-9.-]{1,64}$'];

/** `ran` hears of every diagnostic the device runs (a test counts what each device received). */
export function simDiagnosticsFeature(d: SimDeviceContext, ran?: (name: string) => void): AgentFeature {
  const specs = parseDiagnostics(SIM_DIAGNOSTICS, SIM_DIAGNOSTIC_PARAMS);
  const octet = (d.index % 250) + 2;
  return createDiagnosticsFeature(specs, async (argv, spec) => {
    const started = performance.now();
    const answer = (stdout: string, exitCode = 0, stderr = ''): ProcessOutcome => ({
      status: exitCode === 0 ? 'ok' : 'failed',
      exitCode,
      stdout,
      stderr,
      truncated: false,
      durationMs: Math.round(performance.now() - started) + 3 + Math.floor(d.random() * 40),
    });
    ran?.(spec.name);
    switch (spec.name) {
      case 'ip-addr':
        return answer(JSON.stringify(ipAddr(octet, d.index)) + '\n');
      case 'modem':
        return answer(JSON.stringify(modem(d), null, 0) + '\n');
      case 'modem-reset':
        return answer('successfully reset the modem\n');
      case 'ping-host':
        return answer(ping(argv[argv.length - 1], d.random));
      default:
        return answer(` 10:15:02 up ${(d.index % 90) + 1} days,  3:12,  0 users,  load average: 0.08, 0.05, 0.01\n`);
    }
  });
}

function ipAddr(octet: number, index: number) {
  const mac = `02:42:ac:${((index >> 8) & 0xff).toString(16).padStart(2, '0')}:${(index & 0xff).toString(16).padStart(2, '0')}`;
  return [
    {
      ifindex: 1,
      ifname: 'lo',
      flags: ['LOOPBACK', 'UP', 'LOWER_UP'],
      mtu: 65536,
      operstate: 'UNKNOWN',
      link_type: 'loopback',
      address: '00:00:00:00:00:00',
      addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8, scope: 'host', label: 'lo' }],
    },
    {
      ifindex: 2,
      ifname: 'eth0',
      flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
      mtu: 1500,
      operstate: 'UP',
      link_type: 'ether',
      address: `${mac}:01`,
      addr_info: [{ family: 'inet', local: `192.168.1.${octet}`, prefixlen: 24, scope: 'global', label: 'eth0' }],
    },
    {
      ifindex: 3,
      ifname: 'wwan0',
      flags: ['POINTOPOINT', 'NOARP', 'UP', 'LOWER_UP'],
      mtu: 1430,
      operstate: 'UNKNOWN',
      link_type: 'none',
      addr_info: [{ family: 'inet', local: `10.${64 + (index % 64)}.${octet}.17`, prefixlen: 30, scope: 'global' }],
    },
  ];
}

function modem(d: SimDeviceContext) {
  const quality = 40 + Math.floor(d.random() * 55);
  return {
    modem: {
      'dbus-path': '/org/freedesktop/ModemManager1/Modem/0',
      generic: {
        manufacturer: 'Quectel',
        model: 'EG25-G',
        revision: 'EG25GGBR07A08M2G',
        'equipment-identifier': `86${String(1000000000000 + d.index).slice(-13)}`,
        state: 'connected',
        'power-state': 'on',
        'access-technologies': ['lte'],
        'signal-quality': { value: String(quality), recent: 'yes' },
      },
      '3gpp': { 'operator-code': '26201', 'operator-name': 'Telekom.de', 'registration-state': 'home' },
    },
  };
}

function ping(host: string, random: () => number) {
  const times = [0, 1, 2].map(() => (18 + random() * 30).toFixed(1));
  const lines = times.map((t, i) => `64 bytes from ${host}: icmp_seq=${i + 1} ttl=57 time=${t} ms`);
  const nums = times.map(Number);
  const avg = (nums.reduce((a, b) => a + b, 0) / nums.length).toFixed(3);
  return [
    `PING ${host} 56(84) bytes of data.`,
    ...lines,
    '',
    `--- ${host} ping statistics ---`,
    '3 packets transmitted, 3 received, 0% packet loss, time 2003ms',
    `rtt min/avg/max/mdev = ${Math.min(...nums).toFixed(3)}/${avg}/${Math.max(...nums).toFixed(3)}/4.211 ms`,
    '',
  ].join('\n');
}
