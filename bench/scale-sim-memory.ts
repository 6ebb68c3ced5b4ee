// The simulator side of the scale benchmark's memory budget: its worker processes' resident memory
// per connected device.
import { rssMbOf } from './scale-cluster.js';

/** Resident memory of the simulator workers together (MB) and per connected device (KB). */
export function simMemory(pids: number[], connected: number): { rssMb: number; perDeviceKb: number; workers: number } {
  const rssMb = pids.reduce((n, p) => n + rssMbOf(p), 0);
  return { rssMb, perDeviceKb: connected > 0 ? (rssMb * 1024) / connected : 0, workers: pids.length };
}
