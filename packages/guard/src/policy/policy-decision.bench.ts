// Decision latency of the guard engine alone (no sockets): Modbus reads and writes under a
// version 1 read-only policy and under a version 2 policy using every rule kind.
// Run: node --import tsx --conditions=source packages/guard/src/policy/policy-decision.bench.ts [decisions]
import { GuardEngine } from './guard.engine.js';
import { requestFromModbusTcp, responseFromModbusTcp } from './guard-request.adapter.js';
import { parseModbusTcpAdu } from '../modbus/modbus-tcp.parser.js';
import { mbap, req, res } from '../modbus/modbus.fixture.js';
import type { GuardPolicy } from './policy.types.js';

const N = Number(process.argv[2] ?? 200_000);

const v1: GuardPolicy = {
  mode: 'enforce',
  allowedClasses: ['read', 'write'],
  readOnly: false,
  onViolation: 'exception',
  version: 1,
  addressRanges: [{ table: 'holding', start: 0, end: 999 }],
};
const v2: GuardPolicy = {
  ...v1,
  schema: 2,
  functions: { modbus: { allow: [{ fc: 3 }, { fc: 6 }], deny: [{ fc: 8, sub: 4 }] } },
  access: [{ read: [{ table: 'holding', start: 0, end: 999 }], write: [{ table: 'holding', start: 0, end: 99 }] }],
  values: [{ table: 'holding', start: 0, end: 99, min: 0, max: 60_000, maxStep: 65_535 }],
  rateLimits: [{ protocol: 'modbus', perSecond: 1e5, burst: 1e5 }],
  responses: { modbusExceptions: [4] },
  states: [{ name: 'running', from: 'value', unit: 1, table: 'holding', address: 0, equals: 100 }],
  stateRules: [{ state: 'running', effect: 'forbid', table: 'holding', start: 90, end: 99 }],
};

function frame(pdu: number[], dir: 'request' | 'response') {
  const f = parseModbusTcpAdu(mbap(7, 1, pdu), dir);
  if (f.kind !== 'adu') throw new Error(f.reason);
  return f.adu;
}

const read = requestFromModbusTcp(frame(req.read(3, 0, 10), 'request'));
const reply = responseFromModbusTcp(frame(res.readRegisters(3, [100, 1, 2, 3, 4, 5, 6, 7, 8, 9]), 'response'));
const write = requestFromModbusTcp(frame(req.writeRegister(5, 42), 'request'));

function run(policy: GuardPolicy): { readNs: number; writeNs: number } {
  const engine = new GuardEngine({ policy, deviceId: 'plc-1' });
  const time = (f: (i: number) => void) => {
    for (let i = 0; i < 10_000; i++) f(i);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) f(i);
    return Number(process.hrtime.bigint() - t0) / N;
  };
  const ctx = { master: '10.0.0.5', nowMs: 1_000 };
  const readNs = time((i) => {
    ctx.nowMs = 1_000 + i;
    if (engine.inspect(read, ctx).decision.action !== 'allow') throw new Error('read refused');
    engine.inspectReply(reply, ctx);
  });
  const writeNs = time((i) => {
    ctx.nowMs = 1_000 + N + i;
    if (engine.inspect(write, ctx).decision.action !== 'allow') throw new Error('write refused');
  });
  return { readNs, writeNs };
}

for (const [name, p] of [
  ['version 1 (address ranges)', v1],
  ['version 2 (every rule kind)', v2],
] as const) {
  const r = run(p);
  console.log(`${name}: read + reply ${r.readNs.toFixed(0)} ns, write ${r.writeNs.toFixed(0)} ns per decision`);
}
