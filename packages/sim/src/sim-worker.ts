// One simulator worker process: runs its share of the fleet and reports to the parent over IPC.
import { startSimulation, type SimOptions, type Simulation } from './simulation.js';

type Msg =
  { type: 'start'; options: Omit<SimOptions, 'tokenFor'> & { tokens?: Record<string, string> } } | { type: 'stop' };

let sim: Simulation | null = null;
const send = (m: Record<string, unknown>) => process.send?.(m);

process.on('message', async (m: Msg) => {
  if (m.type === 'start') {
    try {
      const { tokens, ...o } = m.options;
      sim = await startSimulation({
        ...o,
        tokenFor: tokens ? (p) => tokens[p.site] ?? Object.values(tokens)[0] : undefined,
        onProgress: (phase, done, total) => {
          if (done === total || done % 500 === 0) send({ type: 'progress', text: `${phase} ${done}/${total}` });
        },
      });
      send({ type: 'started' });
      const t = setInterval(() => send({ type: 'online', online: sim?.online() ?? 0 }), 1000);
      t.unref();
    } catch (err) {
      send({ type: 'error', error: (err as Error).message });
      process.exit(1);
    }
  } else if (m.type === 'stop') {
    await sim?.stop({ clean: false });
    process.exit(0);
  }
});
// Without its parent (a run that failed or was stopped) the worker's devices have no one to report to.
process.on('disconnect', () => process.exit(0));
