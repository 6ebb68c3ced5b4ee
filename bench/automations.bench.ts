// Automation figures: one run of a 3-step automation (command, wait until online, command) over
// N devices, on the hub's control plane: a real SQLite database, the real automations store,
// engine and service, the real audit log (a record per step), devices answered in-process by a
// command channel (no MQTT). Reports the time to complete, the ticks it took (at the hub's one
// tick a second, that many seconds), and the CPU the hub process spent.
//
//   node --import tsx --conditions=source bench/automations.bench.ts --devices 1000
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHubDatabase, createLogger } from '@outpost/hub';
import type { CommandRecord } from '@outpost/protocol';
import { createAuditLog } from '../packages/hub/src/domains/audit/audit.log.js';
import { createAutomationsStore } from '../packages/hub/src/domains/automations/automations.store.js';
import { createRunEngine } from '../packages/hub/src/domains/automations/run-engine.js';
import { createAutomationsService } from '../packages/hub/src/domains/automations/automations.service.js';
import { systemClock } from '../packages/hub/src/platform/clock.js';
import { EVERY_DEVICE } from '../packages/hub/src/platform/scope-reach.js';
import { emitRows } from './support.js';

const args = process.argv.slice(2);
const value = (flag: string, dflt: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : dflt;
};
const N = Number(value('--devices', '1000'));
const log = (m: string) => console.error(`[automations] ${m}`);

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-automations-bench-'));
  const db = await openHubDatabase(dir);
  const clock = systemClock;
  const ids = Array.from({ length: N }, (_, i) => `b-${i}`);
  const records = new Map<string, CommandRecord>();
  const store = createAutomationsStore(db);
  const audit = createAuditLog({ db, clock });
  const engine = createRunEngine({
    store,
    clock,
    audit,
    logger: createLogger('silent'),
    devices: {
      select: async (_f, _w, limit, among) => (among ? ids.filter((id) => among.includes(id)) : ids).slice(0, limit),
      states: async (list) =>
        new Map(list.map((id) => [id, { presence: 'online' as const, lastSeenAt: null, health: 'normal' }])),
      validateFilter: async () => {},
    },
    commands: {
      // The device answers at once: what is measured is the hub's side.
      async send(_a, deviceId, input) {
        const at = clock.now().toISOString();
        records.set(input.id, {
          id: input.id,
          deviceId,
          name: input.name,
          args: input.args,
          state: 'succeeded',
          result: { ok: true },
          error: null,
          createdBy: 'bench',
          createdAt: at,
          deadline: at,
          finishedAt: at,
        });
      },
      get: async (id) => records.get(id) ?? null,
    },
    notify: { send: async () => 'msg', channelExists: async () => true },
  });
  const service = createAutomationsService({
    store,
    engine,
    devices: { validateFilter: async () => {} },
    channelExists: async () => true,
    audit,
    clock,
  });
  const actor = { type: 'user' as const, id: 'bench' };
  await service.create(actor, EVERY_DEVICE, {
    name: 'bench',
    trigger: { kind: 'manual' },
    target: { kind: 'devices' },
    steps: [
      { type: 'command', name: 'ping' },
      { type: 'wait', until: 'online', timeoutS: 60 },
      { type: 'command', name: 'get-info' },
    ],
    guards: { maxDevices: N, maxConcurrent: N, cooldownMin: 0 },
  });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const run = await service.run(actor, EVERY_DEVICE, 'bench', {});
  let ticks = 0;
  for (;;) {
    await engine.tick();
    ticks++;
    if ((await store.run(run.id))!.state !== 'running') break;
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const done = await service.runShow(EVERY_DEVICE, run.id);
  log(
    `${N} devices, 3 steps: ${done.state} ${JSON.stringify(done.counts)} in ${Math.round(ms)} ms, ${ticks} ticks, ${cpuS.toFixed(2)} s CPU`,
  );
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
  const scenario = `automation, ${N} devices × 3 steps (control plane, devices answered in-process)`;
  emitRows([
    { scenario, metric: 'time to complete, ticking back to back', value: Math.round(ms), unit: 'ms' },
    { scenario, metric: 'ticks to complete (one a second in the hub)', value: ticks, unit: 'ticks' },
    { scenario, metric: 'hub CPU for the run', value: Number(cpuS.toFixed(2)), unit: 's' },
    { scenario, metric: 'hub CPU per device-step', value: Number(((cpuS * 1000) / (N * 3)).toFixed(3)), unit: 'ms' },
    { scenario, metric: 'devices succeeded', value: done.counts.succeeded ?? 0, unit: 'devices' },
  ]);
}

await main();
