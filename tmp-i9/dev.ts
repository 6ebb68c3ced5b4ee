import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulation } from '@outpost/sim';
import { startTestHub } from '../packages/hub/test/support/test-hub.js';

const t = await startTestHub({ logLevel: 'warn' } as never);
const tok = await t.admin.enrollment.createToken({ label: 'sim', maxUses: 100 });
await t.admin.groups.create({ path: 'north', kind: 'static', description: 'Northern substations' });
await t.admin.groups.create({ path: 'north/pumps', kind: 'static' });
await t.admin.groups.create({ path: 'gw200', kind: 'dynamic', filter: 'model = "gw-200"' });
const sim = await startSimulation({
  hubUrl: t.hub.httpUrl, mqttUrl: `mqtts://127.0.0.1:${t.hub.mqttPort}`, caFingerprint: tok.caFingerprint, token: tok.token,
  devices: Number(process.env.N ?? 12), cacheDir: mkdtempSync(join(tmpdir(), 'simc-')), healthIntervalS: 2, rampMs: 500, features: () => [],
});
console.log(JSON.stringify({ url: t.hub.httpUrl, ids: sim.ids.slice(0, 3) }));
process.on('SIGTERM', async () => { await sim.stop({ clean: true }); await t.stop(); process.exit(0); });
