import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeatureContext } from '../core/feature.js';
import { createManualClock } from '../core/manual-clock.js';
import { silentLogger } from '../core/ports.js';
import { createSubstationMonitorFeature } from './substation-monitor.feature.js';
import { substationCapture } from '../../../guard/src/iec61850/iec61850-capture.fixture.js';

// A real capture tool writing pcap to a pipe, as in `tcpdump -U -w - | outpost agent run
// --iec61850-capture -`: tshark replays a generated capture onto its stdout in classic pcap.

const tshark = spawnSync('tshark', ['--version']).status === 0;

test('the monitor reads a capture tool writing pcap to a pipe', async (t) => {
  if (!tshark) return t.skip('tshark not installed');
  const dir = mkdtempSync(join(tmpdir(), 'outpost-iec61850-'));
  const file = join(dir, 'substation.pcap');
  writeFileSync(file, substationCapture());
  const tool = spawn('tshark', ['-r', file, '-F', 'pcap', '-w', '-'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const feature = createSubstationMonitorFeature({ input: tool.stdout, tickMs: 60_000, inventoryIntervalMs: 600_000 });
  const events: string[] = [];
  const ctx: FeatureContext = {
    deviceId: 'dev-1',
    clock: createManualClock(1_796_000_000_000),
    logger: silentLogger,
    publish: async () => {},
    emit: async (type) => void events.push(type),
    online: () => true,
  };
  try {
    await feature.start!(ctx);
    await feature.ended();
    assert.deepEqual(events, [
      'iec61850.goose_publisher',
      'iec61850.mms_association',
      'iec61850.mms_write',
      'iec61850.mms_control',
      'iec61850.goose_state_change',
      'iec61850.capture_ended',
    ]);
    assert.equal(feature.inventory().goose[0].messages, 5);
  } finally {
    feature.stop!();
    tool.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
