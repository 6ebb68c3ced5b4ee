import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataFeature, type AgentFeature } from '@outpost/agent';
import type { SimDeviceContext } from './sim-device-context.js';
import { createSimProcess, type SimProcess, type SimProcessOptions } from './sim-process.js';

const processes = new Map<string, SimProcess>();

/** The process model of a simulated device, to script its faults (`fault('sensor', 60_000)`). */
export function simProcessOf(deviceId: string): SimProcess | undefined {
  return processes.get(deviceId);
}

/**
 * Process data for a simulated device: the real data feature (report by exception, on-disk
 * store and forward, `seq`, backlog) fed by the device's simulated PLC instead of a register map.
 */
export function simDataFeature(d: SimDeviceContext, o: Partial<SimProcessOptions> = {}): AgentFeature {
  const model = createSimProcess({ random: d.random, ...o });
  processes.set(d.deviceId, model);
  return createDataFeature({
    load: async () => undefined,
    queueDir: join(d.dir ?? mkdtempSync(join(tmpdir(), `outpost-sim-data-${d.deviceId}-`)), 'data'),
    sources: [model],
  });
}
