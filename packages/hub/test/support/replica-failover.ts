import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { sql } from 'kysely';
import type { Db } from '../../src/storage/database.js';
import type { ReplicaProcess } from './replica-processes.js';

// What the replica failover test needs beside the replicas: a TCP load balancer in front of them,
// and which replica holds a job's lock right now.

export interface LoadBalancer {
  port: number;
  /** Each connection passed through: when, and to which replica. */
  connections: Array<{ at: number; to: string }>;
  close(): Promise<void>;
}

/** Passes each TCP connection to the first replica (in the given order) that accepts it, as a health-checked balancer. */
export async function startLoadBalancer(replicas: ReplicaProcess[]): Promise<LoadBalancer> {
  const connections: LoadBalancer['connections'] = [];
  const open = new Set<Socket>();
  const dial = (i: number, client: Socket) => {
    if (i >= replicas.length) return client.destroy();
    const upstream = createConnection({ host: '127.0.0.1', port: replicas[i].port });
    let connected = false;
    upstream.on('error', () => {
      // Refused: that replica is down, the next one is asked. Cut later: the client sees it cut.
      if (!connected) dial(i + 1, client);
      else client.destroy();
    });
    upstream.once('connect', () => {
      connected = true;
      open.add(upstream);
      connections.push({ at: Date.now(), to: replicas[i].name });
      client.pipe(upstream).pipe(client);
      client.resume();
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => {
        open.delete(upstream);
        client.destroy();
      });
    });
  };
  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => undefined);
    dial(0, client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    connections,
    close: () =>
      new Promise((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The client port of the database connection that holds the job gate's lock of `job` now, if one does. */
export async function jobLockHolderPort(db: Db, job: string): Promise<number | null> {
  const { rows } = await sql<{ client_port: number | null }>`
    SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
      AND ((l.classid::text::bigint << 32) | l.objid::text::bigint) = hashtextextended(${`outpost-job:${job}`}, 0)
  `.execute(db);
  return rows[0]?.client_port ?? null;
}
