import { rmSync } from 'node:fs';
import { request } from 'node:https';
import { dirname } from 'node:path';
import { startSimulation } from '@outpost/sim';
import { startHubProcess, type HubProcess, type Row } from './support.js';
import { adminClient, countOnline, fleetDataDir } from './fleet-cache.js';

/**
 * Connect: N devices (enrolled once, cached) dial in over mTLS at once to a fresh hub in its own
 * process. Reports the time until all are online, the hub's memory and CPU, and — optionally —
 * what a restart of the hub does to the fleet (the reconnect storm).
 */
export async function connectScenario(
  devices: number,
  log: (m: string) => void,
  opts: { storm: boolean },
): Promise<Row[]> {
  const fleet = await fleetDataDir(devices, log);
  const rows: Row[] = [];
  const s = `connect ${devices}`;
  if (fleet.enrolledNow)
    rows.push({
      scenario: s,
      metric: `enroll ${fleet.enrolledNow} (one-time, 16 in parallel)`,
      value: fleet.enrollS,
      unit: 's',
    });
  // Devices in the field dial from their own addresses; here all of them come from 127.0.0.1, so the
  // per-address bound on connections waiting for their handshake is lifted to the fleet's size.
  const oneAddress = { OUTPOST_MQTT_PENDING_PER_ADDRESS: String(devices) };
  let hub = await startHubProcess(fleet.dataDir, oneAddress);
  let admin = await adminClient(hub);
  const rssIdle = hub.rssMb();
  const cpu0 = hub.cpuS();
  // This process runs the simulated agents: its CPU time is what the fleet's side of the TLS and MQTT work costs.
  const simCpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const simCpu0 = simCpu();
  const t0 = performance.now();
  const sim = await startSimulation({
    hubUrl: hub.httpUrl,
    mqttUrl: `mqtts://127.0.0.1:${hub.mqttPort}`,
    caFingerprint: fleet.caFingerprint,
    devices,
    cacheDir: fleet.identities,
    healthIntervalS: 60,
    rampMs: 0,
    backoff: { baseMs: 1000, capMs: 30_000 },
  });
  const allOnlineS = await waitOnline(admin, devices, t0, log).catch(async (err: unknown) => {
    // What a run that did not finish had cost so far: CPU per device that did come online.
    const online = sim.online();
    log(
      `gave up with ${online} agents online: hub ${(hub.cpuS() - cpu0).toFixed(1)} CPU-s, simulator ${(simCpu() - simCpu0).toFixed(1)} CPU-s`,
    );
    throw err;
  });
  const cpuConnect = hub.cpuS() - cpu0;
  const simCpuConnect = simCpu() - simCpu0;
  const connectAttempts = sim.agents.reduce((a, g) => a + g.stats().attempts, 0);
  log(`refused during the connect: ${await refusedConnections(hub)}`);
  await new Promise((r) => setTimeout(r, 3000));
  const rss = hub.rssMb();
  rows.push(
    { scenario: s, metric: 'time until all online', value: allOnlineS, unit: 's' },
    { scenario: s, metric: 'hub CPU during the connect', value: cpuConnect, unit: 'CPU s' },
    { scenario: s, metric: 'simulator CPU during the connect (same 2 cores)', value: simCpuConnect, unit: 'CPU s' },
    { scenario: s, metric: 'connection attempts per device', value: connectAttempts / devices, unit: '' },
    { scenario: s, metric: 'hub RSS idle', value: rssIdle, unit: 'MB' },
    { scenario: s, metric: 'hub RSS all online', value: rss, unit: 'MB' },
    { scenario: s, metric: 'memory per connected device', value: ((rss - rssIdle) * 1024) / devices, unit: 'KB' },
  );
  // Said at once: a storm that fails later must not take the connect's figures with it.
  for (const r of rows)
    log(`${r.scenario}: ${r.metric} ${typeof r.value === 'number' ? r.value.toFixed(2) : r.value} ${r.unit}`);
  if (opts.storm) {
    const httpPort = new URL(hub.httpUrl).port;
    const mqttPort = String(hub.mqttPort);
    // Times come from the wall clock and the hub's own banner: this process also runs the
    // agents, and while they storm, its reading of the hub's output can lag by seconds.
    const stoppedAt = Date.now();
    await hub.stop();
    const simCpuStorm0 = simCpu();
    hub = await startHubProcess(fleet.dataDir, {
      ...oneAddress,
      OUTPOST_HTTP_PORT: httpPort,
      OUTPOST_MQTT_PORT: mqttPort,
    });
    const restarted = (hub.readyAt - stoppedAt) / 1000;
    // The login may meet the hub in the middle of the storm: a refused one is tried again.
    admin = await retrying(() => adminClient(hub), 60_000);
    // Presence survives the restart in the database; count the devices whose agents are connected again.
    const t1 = performance.now();
    let peak = 0;
    // Agents notice the drop at different times; count from the lowest point.
    let last = sim.online();
    for (;;) {
      const n = sim.online();
      peak = Math.max(peak, n - last);
      last = n;
      if (n >= devices) break;
      if (performance.now() - t1 > 300_000) throw new Error(`only ${n} reconnected after 5 minutes`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const backS = (performance.now() - t1) / 1000;
    const sinceStopS = (Date.now() - stoppedAt) / 1000;
    const sinceReadyS = (Date.now() - hub.readyAt) / 1000;
    const hubCpuStorm = hub.cpuS();
    const simCpuStorm = simCpu() - simCpuStorm0;
    const attempts = sim.agents.reduce((a, g) => a + g.stats().attempts, 0);
    const gaveUp = sim.agents.filter((a) => a.state() === 'stopped').length;
    rows.push(
      {
        scenario: `reconnect storm ${devices}`,
        metric: 'hub restart (stop to listening, hub clock)',
        value: restarted,
        unit: 's',
      },
      {
        scenario: `reconnect storm ${devices}`,
        metric: 'all back online, from the hub listening again',
        value: sinceReadyS,
        unit: 's',
      },
      {
        scenario: `reconnect storm ${devices}`,
        metric: 'all back online, from the hub being stopped',
        value: sinceStopS,
        unit: 's',
      },
      {
        scenario: `reconnect storm ${devices}`,
        metric: 'all back online, from this process seeing the banner',
        value: backS,
        unit: 's',
      },
      {
        scenario: `reconnect storm ${devices}`,
        metric: 'hub CPU, start to all back online',
        value: hubCpuStorm,
        unit: 'CPU s',
      },
      {
        scenario: `reconnect storm ${devices}`,
        metric: 'simulator CPU, hub stopped to all back online',
        value: simCpuStorm,
        unit: 'CPU s',
      },
      { scenario: `reconnect storm ${devices}`, metric: 'peak reconnections per second', value: peak, unit: '/s' },
      {
        scenario: `reconnect storm ${devices}`,
        metric: 'connection attempts per device (whole run)',
        value: attempts / devices,
        unit: '',
      },
      { scenario: `reconnect storm ${devices}`, metric: 'devices that gave up', value: gaveUp, unit: '' },
    );
  }
  await sim.stop({ clean: false });
  await hub.stop();
  rmSync(dirname(fleet.dataDir), { recursive: true, force: true });
  return rows;
}

async function waitOnline(
  admin: Awaited<ReturnType<typeof adminClient>>,
  devices: number,
  t0: number,
  log: (m: string) => void,
): Promise<number> {
  let lastLog = 0;
  for (;;) {
    // A hub too busy to answer within the client's timeout is worth a line, not the end of the run.
    const n = await countOnline(admin).catch((err: unknown) => {
      log(`the device list did not answer: ${String(err)}`);
      return -1;
    });
    if (n >= devices) return (performance.now() - t0) / 1000;
    if (performance.now() - lastLog > 5000) {
      log(`online ${n}/${devices}`);
      lastLog = performance.now();
    }
    if (performance.now() - t0 > 600_000) throw new Error(`only ${n} online after 10 minutes`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function retrying<T>(f: () => Promise<T>, withinMs: number): Promise<T> {
  const t0 = performance.now();
  for (;;) {
    try {
      return await f();
    } catch (err) {
      if (performance.now() - t0 > withinMs) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** The hub's count of refused device connections by reason, from its /metrics (which answers this host). */
function refusedConnections(hub: HubProcess): Promise<string> {
  return new Promise((resolve) => {
    const req = request(`${hub.httpUrl}/metrics`, { ca: hub.caPem }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        const lines = text.split('\n').filter((l) => l.startsWith('outpost_device_connections_refused_total{'));
        resolve(lines.map((l) => l.replace('outpost_device_connections_refused_total', '')).join(', ') || 'none');
      });
    });
    req.on('error', (err) => resolve(`unknown (${err.message})`));
    req.end();
  });
}
