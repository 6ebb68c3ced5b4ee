import { writeResults, type Row } from './support.js';
import { connectScenario } from './spine.bench.js';
import { apiScenario } from './api.bench.js';

// `npm run bench` for the full run; `npm run bench -- --quick` for a run under a minute.
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const num = (flag: string, dflt: number) => {
  const i = args.indexOf(flag);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};

const rows: Row[] = [];
const devices = num('--devices', quick ? 200 : 1000);
const inventory = num('--inventory', quick ? 10_000 : 100_000);
console.error(`connect: ${devices} devices`);
rows.push(...(await connectScenario(devices)));
console.error(`api: ${inventory} devices in the inventory`);
rows.push(...(await apiScenario(inventory, quick ? 300 : 2000, 8)));
writeResults(quick ? 'latest-quick' : 'latest', rows);
process.exit(0);
