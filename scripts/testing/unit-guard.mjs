// Loaded into every unit-tier test process (node --import): a unit test opens no network socket
// and starts no child process. Each attempt throws at once with the reason, so the test that
// tried fails where it tried; the tier's own test asserts the guard is in place.
import childProcess from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { syncBuiltinESMExports } from 'node:module';

export const UNIT_GUARD_MESSAGE = 'unit tests may not';

function refuse(what) {
  return function refused() {
    throw new Error(`${UNIT_GUARD_MESSAGE} ${what} (move the test to *.int.test.ts or *.e2e.test.ts)`);
  };
}

net.Server.prototype.listen = refuse('listen on a socket');
net.Socket.prototype.connect = refuse('open a socket');
dgram.Socket.prototype.bind = refuse('bind a datagram socket');
dgram.Socket.prototype.send = refuse('send datagrams');
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
  childProcess[name] = refuse(`start a child process (${name})`);
}
// ESM named imports of builtins (import { spawn } from 'node:child_process') follow the patched exports.
syncBuiltinESMExports();
process.env.OUTPOST_TEST_TIER = 'unit';
