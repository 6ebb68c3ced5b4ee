import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Duplex } from 'node:stream';
import type { GuardConsoleEvent } from '@outpost/guard';
import { createConsoleTap, type ConsoleSessionStats, type ConsoleTap } from './console.tap.js';
import { openSerialPort } from './serial-port.opener.js';
import { startPtyPair, toolMissing, type PtyPair } from './ot-guard.fixture.js';

// terminal (test) <-> pty pair <-> tap <-> pty pair <-> device console (test), over socat ptys.
const skip = toolMissing('socat');

function collect(port: Duplex, until: string, ms = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no "${until}" within ${ms} ms; got ${JSON.stringify(text)}`)), ms);
    const on = (d: Buffer) => {
      text += d.toString('latin1');
      if (text.includes(until)) {
        clearTimeout(timer);
        port.off('data', on);
        resolve(text);
      }
    };
    port.on('data', on);
  });
}

describe('serial console tap', { skip }, () => {
  let terminalLine: PtyPair;
  let deviceLine: PtyPair;
  let ports: Duplex[] = [];
  let tap: ConsoleTap;
  const events: GuardConsoleEvent[] = [];
  const sessions: ConsoleSessionStats[] = [];

  before(async () => {
    terminalLine = await startPtyPair();
    deviceLine = await startPtyPair();
    ports = [
      openSerialPort(terminalLine.a),
      openSerialPort(terminalLine.b),
      openSerialPort(deviceLine.a),
      openSerialPort(deviceLine.b),
    ];
    tap = createConsoleTap({
      terminal: ports[1],
      device: ports[2],
      port: deviceLine.b,
      clock: Date.now,
      idleMs: 1000,
      onEvent: (e) => events.push(e),
      onSession: (s) => sessions.push(s),
    });
  });
  after(() => {
    tap?.close();
    for (const p of ports) p.destroy();
    terminalLine?.stop();
    deviceLine?.stop();
  });

  test('bytes pass unchanged both ways; prompts and plain-text credentials are reported, never their text', async () => {
    const [terminal, , , device] = ports;
    const seenByTerminal = collect(terminal, 'login: ');
    device.write('\r\nplc-7 maintenance port\r\nlogin: ');
    assert.match(await seenByTerminal, /plc-7 maintenance port\r\nlogin: $/);
    const seenByDevice = collect(device, 'admin\r');
    terminal.write('admin\r');
    assert.equal(await seenByDevice, 'admin\r');
    const banner = collect(terminal, 'ok\r\n');
    device.write('set password=hunter2\r\nok\r\n');
    await banner;
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(
      events.map((e) => [e.type, e.prompt ?? e.pattern]),
      [
        ['guard.login_prompt', 'login'],
        ['guard.credential_seen', 'password_assignment'],
      ],
    );
    assert.ok(!JSON.stringify(events).includes('hunter2'), 'the secret itself never leaves');
  });

  test('a session ends after a silence and reports its length and bytes each way', async () => {
    const deadline = Date.now() + 6000;
    while (sessions.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const [s] = sessions;
    assert.ok(s, 'a session was reported');
    assert.equal(s.closeReason, 'idle');
    assert.equal(s.bytesFromTerminal, 'admin\r'.length);
    assert.equal(
      s.bytesFromDevice,
      '\r\nplc-7 maintenance port\r\nlogin: '.length + 'set password=hunter2\r\nok\r\n'.length,
    );
    assert.deepEqual([s.prompts, s.credentials], [1, 1]);
    assert.ok(s.durationMs >= 0 && s.durationMs < 6000);
    assert.equal(tap.current(), undefined);
  });
});
