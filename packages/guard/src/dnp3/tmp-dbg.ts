import { Prng } from '../shared/prng.fixture.js';
import { parseDnp3Application } from './dnp3-app.parser.js';
import { walkObjects } from './dnp3-object.walker.js';
import { apdu } from './dnp3.fixture.js';
import { toHex } from '../shared/bytes.util.js';
const rng = new Prng(0xd9);
function sampleFragments(rng: Prng): number[][] {
  const seq = rng.int(16);
  return [apdu.readClasses(seq), apdu.readAnalogs(seq, 0, rng.int(100)), apdu.directOperate(seq, rng.int(300)),
    apdu.clearRestart(seq), apdu.writeTime(seq), apdu.coldRestart(seq), apdu.response(seq), apdu.responseUnknown(seq)];
}
for (let i = 0; i < 20000; i++) {
  const frag = rng.int(3) === 0 ? rng.bytes(rng.int(300)) : rng.mutate(Uint8Array.from(rng.pick(sampleFragments(rng))));
  const a = parseDnp3Application(frag);
  const bad = a.objects.some((o) => o.dataOffset !== undefined && o.dataOffset + (o.dataLength ?? 0) > frag.length) || a.ranges.some((r) => !(r.count >= 1));
  if (bad) { console.log(i, toHex(frag), JSON.stringify(a)); break; }
  walkObjects(frag, rng.int(4), rng.int(2) === 0);
}
