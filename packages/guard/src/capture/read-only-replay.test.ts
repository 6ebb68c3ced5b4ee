import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectCapture } from './capture.inspector.js';
import { testdataDir } from './tshark.reference.js';
import type { GuardPolicy } from '../policy/policy.types.js';

// Real DNP3 masters from the shared captures, replayed through an enforcing read-only policy
// that allows reads only: their start-up and polling (confirmations, time sync, clearing the
// restart indication, unsolicited enable/disable, delay measurement) passes; a SELECT/OPERATE
// does not.

const dir = join(testdataDir(import.meta.url), 'dnp3');
const skip = existsSync(dir) ? false : `shared captures not found in ${dir}`;
const policy: GuardPolicy = {
  mode: 'enforce',
  allowedClasses: ['read'],
  readOnly: true,
  onViolation: 'drop',
  version: 1,
};

function decided(file: string) {
  return inspectCapture(readFileSync(join(dir, file)), { policy }).rows.filter((r) => r.decision && r.fc !== undefined);
}

test('a real master start-up and polling pass under read-only with only read allowed', { skip }, () => {
  const files = [
    'dnp3.pcap',
    'dnp3_en_spon.pcap',
    'dnp3_del_measure.pcap',
    'dnp3_rec_time.pcap',
    'dnp3_write.pcap',
    'dnp3_udp_write.pcap',
    'dnp3_read.pcap',
  ];
  const seen = new Set<number>();
  const gated: string[] = [];
  for (const f of files) {
    for (const r of decided(f)) {
      if (r.class === 'control' || r.class === 'malformed') {
        // dnp3.pcap's master also restarts the outstation and selects outputs: refused.
        assert.equal(r.decision?.action, 'block', `${f} frame ${r.frame}`);
        gated.push(`${r.fc}`);
        continue;
      }
      seen.add(r.fc ?? -1);
      assert.equal(r.decision?.action, 'allow', `${f} frame ${r.frame} fc ${r.fc}: ${r.decision?.reason}`);
    }
  }
  assert.ok(
    ['13', '14', '3'].every((fc) => gated.includes(fc)),
    `gated: ${gated.join(',')}`,
  );
  // CONFIRM, READ, WRITE (time, restart indication), ENABLE/DISABLE_UNSOLICITED, DELAY_MEASURE, RECORD_CURRENT_TIME.
  assert.deepEqual(
    [...seen].sort((a, b) => a - b),
    [0, 1, 2, 20, 21, 23, 24],
  );
});

test('a real SELECT/OPERATE is blocked under the same policy', { skip }, () => {
  const rows = decided('dnp3_select_operate.pcap');
  assert.deepEqual(
    rows.map((r) => [r.fc, r.decision?.action]),
    [
      [3, 'block'],
      [4, 'block'],
    ],
  );
});
