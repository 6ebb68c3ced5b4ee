import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  readHolding,
  startPlc,
  startPtyPair,
  type Peer,
  type PtyPair,
} from '../../agent/src/ot-guard/ot-guard.fixture.js';
import type { ReadmeCommand } from './readme-commands.js';
import { README_SECTIONS_OPERATIONS, runReadme } from './readme-runner.js';
import { freePort, where } from './readme-shell.js';

const GUARD_MS = 20_000;

/** The README's serial ports of the gateway; here each is one end of a pseudo-terminal pair. */
const SERIAL_PORTS = ['/dev/ttyS1', '/dev/ttyS2', '/dev/ttyS3', '/dev/ttyS4'];

test("the README's guard and remote access commands run, in order, after its hub and gateway, against a fresh hub", async (t) => {
  // The PLC at 10.0.0.5:502 is a pymodbus server here; the guard listens on loopback instead of 0.0.0.0.
  const peers: Array<Peer | PtyPair> = [];
  try {
    const plc = await startPlc('tcp');
    peers.push(plc);
    const ptys: PtyPair[] = [];
    for (const _ of SERIAL_PORTS) {
      ptys.push(await startPtyPair());
      peers.push(ptys[ptys.length - 1]);
    }
    const guardPort = await freePort();
    const places: Record<string, string> = {
      '0.0.0.0:1502': `127.0.0.1:${guardPort}`,
      '10.0.0.5:502': `127.0.0.1:${plc.ready}`,
      ...Object.fromEntries(SERIAL_PORTS.map((port, i) => [port, ptys[i].a])),
    };
    // Masters "now connect to :1502": a read through the guard answers what the PLC holds.
    const check = async (c: ReadmeCommand) => {
      if (!c.text.includes('--guard modbus-tcp:')) return;
      const direct = await readHolding(Number(plc.ready), 0, 10);
      const deadline = Date.now() + GUARD_MS;
      for (;;) {
        const through = await readHolding(guardPort, 0, 10).catch((e: Error) => e);
        if (!(through instanceof Error))
          return assert.deepEqual(through, direct, `${where(c)}: the guard changed a read`);
        if (Date.now() > deadline)
          assert.fail(`${where(c)}: no read through the guard within ${GUARD_MS} ms: ${through}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    const ran = await runReadme(t, ['Quick start', 'Trying it', ...README_SECTIONS_OPERATIONS], { places, check });
    for (const needed of [
      'outpost guard key rotate --reason "yearly rotation"',
      'outpost mfa confirm 123456',
      'outpost access sessions --live',
    ])
      assert.ok(ran.includes(needed), `did not run \`${needed}\`; ran: ${ran.join(' | ')}`);
  } finally {
    for (const p of peers) p.stop();
  }
});
