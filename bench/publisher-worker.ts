// One publisher process of the ingest benchmark: holds a share of the device connections and
// publishes its share of each step's rate, so the load generator is spread over processes and
// is not itself the limit of what it measures. Driven over IPC by `spawnPublishers`.
import { connectPublishers, type Publishers } from './publishers.js';

export type WorkerRequest =
  | { type: 'connect'; identities: string; caFingerprint: string; first: number; count: number; port: number | null }
  | { type: 'drive'; rate: number; ms: number; marks: boolean }
  | { type: 'close' };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'mark'; id: string; ts: number }
  | { type: 'driven'; sent: number }
  | { type: 'failed'; error: string };

const reply = (m: WorkerReply) => process.send!(m);
let pubs: Publishers | null = null;

process.on('message', (m: WorkerRequest) => {
  void (async () => {
    try {
      if (m.type === 'connect') {
        pubs = await connectPublishers(m.identities, m.caFingerprint, m.count, m.port, m.first);
        reply({ type: 'ready' });
      } else if (m.type === 'drive') {
        const sent = await pubs!.drive(m.rate, m.ms, m.marks ? (id, ts) => reply({ type: 'mark', id, ts }) : undefined);
        reply({ type: 'driven', sent });
      } else {
        await pubs?.close();
        process.disconnect();
      }
    } catch (err) {
      reply({ type: 'failed', error: (err as Error).message });
    }
  })();
});
// Without its parent (a benchmark that failed or was stopped) the worker has nothing to do.
process.on('disconnect', () => process.exit(0));
