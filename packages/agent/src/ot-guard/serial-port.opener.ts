import { constants, openSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { Duplex } from 'node:stream';
import tty from 'node:tty';

// One Duplex over separate tty read and write handles of the same device, so that destroying
// it closes both without leaving a read pending.
class SerialPortStream extends Duplex {
  constructor(
    private readonly input: tty.ReadStream,
    private readonly output: tty.WriteStream,
  ) {
    super();
    input.on('data', (d: Buffer) => {
      if (!this.push(d)) input.pause();
    });
    input.on('end', () => this.push(null));
    input.on('error', (e) => this.destroy(e));
    output.on('error', (e) => this.destroy(e));
  }

  override _read(): void {
    this.input.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.output.write(chunk, done);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.input.destroy();
    this.output.destroy();
    done(err);
  }
}

/**
 * Opens a serial device or pseudo-terminal as a Duplex stream. Line settings (baud rate,
 * raw mode) are the caller's business, e.g. `stty -F /dev/ttyS0 19200 raw -echo`; ptys made
 * with `socat pty,raw,echo=0 ...` are already raw. The tty handles are non-blocking, so
 * destroying the stream releases them at once.
 */
export function openSerialPort(path: string): Duplex {
  const flags = constants.O_RDWR | constants.O_NOCTTY;
  return new SerialPortStream(new tty.ReadStream(openSync(path, flags)), new tty.WriteStream(openSync(path, flags)));
}

export interface SerialLineSettings {
  baudRate?: number;
  parity?: 'none' | 'even' | 'odd';
  stopBits?: 1 | 2;
}

/**
 * Sets a serial line's speed and framing with stty (8 data bits, raw, no echo). Throws with
 * stty's own words when the line refuses any of them (a pseudo-terminal has no parity, for one):
 * a master that polled with other framing than the device's would only read garbage.
 */
export function setSerialLine(path: string, s: SerialLineSettings): void {
  const parity = { none: ['-parenb'], even: ['parenb', '-parodd'], odd: ['parenb', 'parodd'] }[s.parity ?? 'none'];
  const args = [
    '-F',
    path,
    ...(s.baudRate ? [String(s.baudRate)] : []),
    'raw',
    '-echo',
    'cs8',
    ...(s.parity ? parity : []),
    ...(s.stopBits ? [s.stopBits === 2 ? 'cstopb' : '-cstopb'] : []),
  ];
  const r = spawnSync('stty', args, { timeout: 5000, encoding: 'utf8' });
  if (r.error) throw new Error(`stty: ${r.error.message}`);
  if (r.status !== 0) throw new Error((r.stderr || `stty exited with ${r.status}`).trim().slice(0, 300));
}
