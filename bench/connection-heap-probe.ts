/**
 * Memory of held device connections, for finding what each holds: starts a hub on the cached
 * 5,000-device fleet, opens N mTLS device connections and prints the RSS and malloc-heap ([heap])
 * growth per connection. With --snap it writes V8 heap snapshots of the hub with 0 and N devices to
 * /tmp/connection-heap/<tag>-{0,1}.heapsnapshot, to compare retained objects per constructor.
 *
 *   node --import tsx --conditions=source bench/connection-heap-probe.ts --devices 2000 --snap --tag x
 */
import { mkdirSync, readFileSync, readdirSync, statSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { loadIdentity } from '@outpost/agent';
import { startHubProcess, root } from './support.js';
import { fleetDataDir } from './fleet-cache.js';

const args = process.argv.slice(2);
const n = Number(args[args.indexOf('--devices') + 1] || 2000);
const snap = args.includes('--snap');
const tag = args[args.indexOf('--tag') + 1] || 'x';
const log = (m: string) => console.error(`[connection-heap] ${m}`);
const fleet = await fleetDataDir(5000, log);
const base = join(fleet.identities, fleet.caFingerprint.slice(0, 16));
const ids: Array<{ deviceId: string; key: string; cert: string; ca: string }> = [];
for (const name of readdirSync(base).sort().slice(0, n)) {
  const i = (await loadIdentity(join(base, name)))!;
  ids.push({ deviceId: i.deviceId, key: i.privateKeyPem, cert: i.certPem, ca: i.caPem });
}
const nodeArgs = (process.env.HUB_ARGS ?? '').split(' ').filter(Boolean);
if (snap) nodeArgs.push('--heapsnapshot-signal=SIGUSR2');
const hub = await startHubProcess(fleet.dataDir, {}, nodeArgs);
const pid = hub.proc.pid!;
const mem = () => {
  const s = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const g = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)![1]);
  const sm = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  const heapRss = Number(/\[heap\]\n(?:.*\n)*?Rss:\s+(\d+)/.exec(sm)?.[1] ?? 0);
  return { rss: g('Rss'), anon: heapRss };
};
async function takeSnap(name: string) {
  mkdirSync('/tmp/connection-heap', { recursive: true });
  const before = new Set(readdirSync(root).filter((f) => f.endsWith('.heapsnapshot')));
  process.kill(pid, 'SIGUSR2');
  let file = '';
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const f = readdirSync(root).find((x) => x.endsWith('.heapsnapshot') && !before.has(x));
    if (!f) continue;
    const s1 = statSync(join(root, f)).size;
    await new Promise((r) => setTimeout(r, 1500));
    if (statSync(join(root, f)).size === s1 && s1 > 0) {
      file = f;
      break;
    }
  }
  renameSync(join(root, file), `/tmp/connection-heap/${tag}-${name}.heapsnapshot`);
}
await new Promise((r) => setTimeout(r, 3000));
if (snap) await takeSnap('0');
if (args.includes('--wait')) {
  log(`hub pid ${pid}`);
  await new Promise((r) => setTimeout(r, Number(args[args.indexOf('--wait') + 1]) * 1000));
}
const m0 = mem();
const sockets: TLSSocket[] = [];
let next = 0;
await Promise.all(
  Array.from({ length: 32 }, async () => {
    while (next < ids.length) {
      const id = ids[next++];
      const s = await new Promise<TLSSocket | null>((res) => {
        const sock = connect({
          host: '127.0.0.1',
          port: hub.mqttPort,
          key: id.key,
          cert: id.cert,
          ca: id.ca,
          checkServerIdentity: () => undefined,
        });
        sock.once('secureConnect', () => {
          const idb = Buffer.from(id.deviceId);
          const body = Buffer.concat([
            Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x02, 0x04, 0xb0]),
            Buffer.from([0, idb.length]),
            idb,
          ]);
          sock.write(Buffer.concat([Buffer.from([0x10, body.length]), body]));
        });
        sock.once('data', (d: Buffer) => res(d[0] === 0x20 && d[3] === 0 ? sock : null));
        sock.once('error', () => res(null));
      });
      if (s) sockets.push(s);
    }
  }),
);
await new Promise((r) => setTimeout(r, 3000));
const m1 = mem();
log(
  `${tag}: ${sockets.length} held; rss ${((m1.rss - m0.rss) / sockets.length).toFixed(1)} KB/conn malloc-heap ${((m1.anon - m0.anon) / sockets.length).toFixed(1)} KB/conn (rss0 ${m0.rss} rss1 ${m1.rss})`,
);
if (snap) await takeSnap('1');
if (args.includes('--hold')) await new Promise((r) => setTimeout(r, Number(args[args.indexOf('--hold') + 1]) * 1000));
for (const s of sockets) s.destroy();
await hub.stop();
rmSync(dirname(fleet.dataDir), { recursive: true, force: true });
process.exit(0);
