import { writeResults, type Row } from './support.js';
import { connectScenario } from './connect.bench.js';
import { ingestScenario } from './ingest.bench.js';
import { apiScenario } from './api.bench.js';

// `npm run bench` runs everything at full size (about ten minutes, plus a one-time enrollment
// of the device identities); `npm run bench -- --quick` runs a small version in about a minute.
// Pick scenarios with `--only connect,ingest,api`; sizes with --devices, --publishers, --inventory.
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const value = (flag: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const num = (flag: string, dflt: number) => Number(value(flag) ?? dflt);
const only = new Set((value('--only') ?? 'connect,ingest,api').split(','));
const log = (m: string) => console.error(`[bench] ${m}`);

const rows: Row[] = [];
if (only.has('connect')) {
  const devices = num('--devices', quick ? 200 : 10_000);
  log(`connect and reconnect storm: ${devices} devices`);
  rows.push(...(await connectScenario(devices, log, { storm: true })));
}
if (only.has('ingest')) {
  const publishers = num('--publishers', quick ? 50 : 500);
  const rates = quick ? [500, 1000, 2000] : [1000, 2000, 4000, 6000, 8000, 12000, 16000];
  log(`ingest: ${publishers} publishers, rates ${rates.join(', ')} msg/s`);
  rows.push(...(await ingestScenario(publishers, rates, log)));
}
if (only.has('api')) {
  const inventory = num('--inventory', quick ? 10_000 : 100_000);
  log(`api: ${inventory} devices in the inventory`);
  rows.push(...(await apiScenario(inventory, quick ? 300 : 2000, 4)));
}
writeResults(quick ? 'latest-quick' : 'latest', rows);
process.exit(0);
