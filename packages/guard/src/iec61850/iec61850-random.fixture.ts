import { buildPcap } from '../capture/capture.fixture.js';
import { Prng } from '../shared/prng.fixture.js';
import { data, gooseFrame, type Bytes, type GooseSpec } from './iec61850.fixture.js';

// Seeded random GOOSE publications: counters across their whole range (top bit set, so the
// encoder adds a leading zero octet), any fraction of a second, strings of every length an
// object reference may have, and nested data sets.

const NAME = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_$/.';

function name(rng: Prng, max: number): string {
  return Array.from({ length: 1 + rng.int(max) }, () => rng.pick([...NAME])).join('');
}

function value(rng: Prng, depth: number): Bytes {
  switch (rng.int(depth < 2 ? 6 : 4)) {
    case 0:
      return data.boolean(rng.int(2) === 1);
    case 1:
      return data.integer(rng.range(-2_147_483_648, 2_147_483_647));
    case 2:
      return data.utcTime(rng.range(0, 0xffffffff), rng.int(0x1000000), rng.int(256));
    case 3:
      return data.bitString(rng.int(8), rng.int(256), rng.int(256));
    case 4:
      return data.structure(...Array.from({ length: 1 + rng.int(3) }, () => value(rng, depth + 1)));
    default:
      return data.array(...Array.from({ length: 1 + rng.int(3) }, () => value(rng, depth + 1)));
  }
}

export function randomGoose(rng: Prng): GooseSpec {
  return {
    appId: rng.int(0x4000),
    gocbRef: name(rng, 64),
    timeAllowedToLive: rng.range(1, 0x7fffffff),
    datSet: name(rng, 64),
    goId: rng.int(4) === 0 ? undefined : name(rng, 64),
    tSec: rng.range(0, 0x7fffffff),
    tFrac: rng.int(0x1000000),
    stNum: rng.int(3) === 0 ? rng.range(0x80000000, 0xffffffff) : rng.int(1000),
    sqNum: rng.int(3) === 0 ? rng.range(0x80000000, 0xffffffff) : rng.int(1000),
    simulation: rng.int(2) === 1,
    confRev: rng.range(0, 0xffffffff),
    ndsCom: rng.int(2) === 1,
    allData: Array.from({ length: rng.int(8) }, () => value(rng, 0)),
    src: [0x00, 0x30, 0xa7, rng.int(256), rng.int(256), rng.int(256)],
    vlan: rng.int(2) === 0 ? undefined : rng.int(4095),
  };
}

export function randomGooseCapture(seed: number, count: number): { pcap: Uint8Array; specs: GooseSpec[] } {
  const rng = new Prng(seed);
  const specs = Array.from({ length: count }, () => randomGoose(rng));
  const frames = specs.map((g, i) => ({ data: gooseFrame(g), tsUs: 1_796_000_000_000_000 + i * 1000 }));
  return { pcap: buildPcap(frames), specs };
}
