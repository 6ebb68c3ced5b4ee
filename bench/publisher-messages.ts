// The IPC messages between the ingest benchmark (`spawnPublishers`) and its publisher processes
// (publisher-worker.ts): what the benchmark asks of a worker, and what a worker answers.

export type WorkerRequest =
  | { type: 'connect'; identities: string; caFingerprint: string; first: number; count: number; port: number | null }
  | { type: 'drive'; rate: number; ms: number; marks: boolean }
  | { type: 'close' };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'mark'; id: string; ts: number }
  | { type: 'driven'; sent: number }
  | { type: 'failed'; error: string };
