import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectCapture } from './capture.inspector.js';
import { testdataDir } from './tshark.reference.js';
import type { GuardPolicy } from '../policy/policy.types.js';

// A real SELECT / OPERATE of a CROB (latch on, point 1) from the shared captures: the rows show
// the command values, and a value rule allowing only trip / close pulses refuses both messages.

const dir = join(testdataDir(import.meta.url), 'dnp3');
const skip = existsSync(dir) ? false : `shared captures not found in ${dir}`;

const policy: GuardPolicy = {
  mode: 'enforce',
  allowedClasses: ['read', 'write', 'control'],
  readOnly: false,
  onViolation: 'drop',
  version: 1,
  schema: 2,
  values: [{ table: 'coil', start: 0, end: 15, crobCodes: ['trip_pulse_on', 'close_pulse_on'] }],
};

for (const file of ['dnp3_select_operate.pcap', 'dnp3_udp_select_operate.pcap']) {
  test(`${file}: CROB values in the rows, and a latch refused by the CROB code rule`, { skip }, () => {
    const rows = inspectCapture(readFileSync(join(dir, file)), { policy }).rows;
    const commands = rows.filter((r) => r.direction === 'request' && (r.fc === 3 || r.fc === 4));
    assert.deepEqual(
      commands.map((r) => r.fc),
      [3, 4],
    );
    for (const r of commands) {
      assert.deepEqual(
        r.points?.map((p) => [p.table, p.index, p.value, p.crob?.name, p.crob?.count, p.crob?.onMs]),
        [['coil', 1, 1, 'latch_on', 1, 100]],
      );
      assert.deepEqual([r.decision?.action, r.decision?.reason], ['block', 'crob_code_not_allowed:latch_on:coil:1']);
    }
  });
}
