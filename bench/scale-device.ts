// A lean simulated device for the scale benchmark: one mTLS connection to the broker its identity
// names, announcing itself as an agent does (retained status online with an offline will, hello),
// publishing health on its interval and answering ping and get-info. It keeps no more than its
// socket and its key material, so a worker process can hold tens of thousands of them.
import { createSecureContext, connect as tlsConnect, type TLSSocket } from 'node:tls';
import { SCHEMA_VERSION } from '@outpost/protocol';
import {
  connectPacket,
  packetReader,
  publishPacket,
  pubackPacket,
  readPublish,
  subscribePacket,
  type Packet,
} from './scale-mqtt-codec.js';

export interface LeanIdentity {
  deviceId: string;
  mqttUrl: string;
  keyPem: string;
  certPem: string;
  caPem: string;
}

export interface LeanDeviceOptions {
  /** Health is sent on this interval; it is also what keeps the connection alive (keepalive is twice it). */
  healthIntervalS: number;
  backoff: { baseMs: number; capMs: number };
  /** A handshake or announcement not answered in this time is given up and redialled. */
  connectTimeoutMs: number;
  random: () => number;
  /** Bounds the handshakes in progress in a process (see DialGate). */
  gate: DialGate;
}

/**
 * At most `limit` dials in progress at once: on a starved machine a pile of half-done handshakes
 * all outlive their timeout and are redone, so bounding them makes every handshake count.
 */
export class DialGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}
  run(dial: () => void) {
    if (this.active < this.limit) {
      this.active++;
      dial();
    } else this.waiting.push(dial);
  }
  done() {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

const MODELS = ['gw-200', 'gw-300', 'rtr-lte-5'];

export class LeanDevice {
  online = false;
  private socket: TLSSocket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private stopped = true;
  private nextId = 1;
  private awaiting = new Set<number>();
  private holdsGate = false;
  private readonly started = Date.now();

  constructor(
    private readonly id: LeanIdentity,
    private readonly o: LeanDeviceOptions,
  ) {}

  private topic(suffix: string) {
    return `outpost/v1/d/${this.id.deviceId}/${suffix}`;
  }

  start() {
    this.stopped = false;
    this.dial();
  }

  private dial() {
    this.o.gate.run(() => {
      if (this.stopped) return this.o.gate.done();
      this.holdsGate = true;
      this.open();
    });
  }

  private leaveGate() {
    if (!this.holdsGate) return;
    this.holdsGate = false;
    this.o.gate.done();
  }

  stop() {
    this.stopped = true;
    this.clearTimer();
    this.socket?.destroy();
    this.socket = null;
    this.online = false;
    this.leaveGate();
  }

  private clearTimer() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private open() {
    const url = new URL(this.id.mqttUrl);
    const ctx = createSecureContext({ key: this.id.keyPem, cert: this.id.certPem, ca: this.id.caPem });
    const s = tlsConnect({ host: url.hostname, port: Number(url.port), secureContext: ctx });
    this.socket = s;
    this.awaiting.clear();
    const ms = this.o.connectTimeoutMs;
    this.timer = setTimeout(() => s.destroy(new Error('no answer')), ms);
    s.setNoDelay(true);
    s.once('secureConnect', () => {
      const will = JSON.stringify({ v: SCHEMA_VERSION, state: 'offline', ts: Date.now() });
      s.write(
        connectPacket(this.id.deviceId, this.o.healthIntervalS * 2, { topic: this.topic('status'), payload: will }),
      );
    });
    s.on(
      'data',
      packetReader((p) => this.onPacket(s, p)),
    );
    s.on('error', () => undefined);
    s.once('close', () => this.lost(s));
  }

  private send(s: TLSSocket, suffix: string, payload: unknown, qos: 0 | 1, retain = false) {
    const id = qos === 1 ? this.packetId() : 0;
    if (id) this.awaiting.add(id);
    s.write(publishPacket(this.topic(suffix), JSON.stringify(payload), qos, id, retain));
  }

  private packetId() {
    this.nextId = (this.nextId % 65535) + 1;
    return this.nextId;
  }

  private onPacket(s: TLSSocket, p: Packet) {
    if (p.type === 2) {
      // CONNACK: subscribe, then announce as the agent does; online once all three are acknowledged.
      if (p.body[1] !== 0) return s.destroy(new Error(`connect refused ${p.body[1]}`));
      const sub = this.packetId();
      this.awaiting.add(sub);
      s.write(subscribePacket(sub, [this.topic('cmd/req')]));
      this.send(s, 'status', { v: SCHEMA_VERSION, state: 'online', ts: Date.now() }, 1, true);
      this.send(s, 'hello', this.hello(), 1);
    } else if (p.type === 4 || p.type === 9) {
      this.awaiting.delete(p.body.readUInt16BE(0));
      if (!this.online && this.awaiting.size === 0) {
        this.online = true;
        this.leaveGate();
        this.attempt = 0;
        this.clearTimer();
        // Health at once on connecting, then on the interval, as the agent does.
        this.health(s, 0);
      }
    } else if (p.type === 3) {
      const m = readPublish(p);
      if (m.id) s.write(pubackPacket(m.id));
      if (m.topic === this.topic('cmd/req')) this.answer(s, m.payload);
    }
  }

  private hello() {
    const i = Number(this.id.deviceId.replace(/\D/g, '')) || 0;
    return {
      v: SCHEMA_VERSION,
      agentVersion: '1.0.0',
      firmware: '2.1.0',
      model: MODELS[i % MODELS.length],
      bootId: `boot-${this.started.toString(36)}`,
      healthIntervalS: this.o.healthIntervalS,
      capabilities: ['ping', 'get-info'],
    };
  }

  private health(s: TLSSocket, delayMs: number) {
    this.clearTimer();
    this.timer = setTimeout(() => {
      if (this.socket !== s || !this.online) return;
      this.send(s, 'health', this.metrics(), 0);
      this.health(s, this.o.healthIntervalS * 1000);
    }, delayMs);
  }

  private metrics() {
    return {
      v: SCHEMA_VERSION,
      ts: Date.now(),
      uptimeS: Math.round((Date.now() - this.started) / 1000),
      cpuPct: 10 + this.o.random() * 20,
      memUsedPct: 40,
      diskUsedPct: 30,
      temperatureC: 45,
      signalDbm: -80,
    };
  }

  private answer(s: TLSSocket, payload: Buffer) {
    let req: { id?: string; name?: string; deadline?: number };
    try {
      req = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    if (typeof req.id !== 'string') return;
    const base = { v: SCHEMA_VERSION, id: req.id };
    const res =
      req.name === 'ping'
        ? { ...base, ok: true, result: { pong: true, ts: Date.now() } }
        : req.name === 'get-info'
          ? { ...base, ok: true, result: { deviceId: this.id.deviceId, ...this.hello(), health: this.metrics() } }
          : { ...base, ok: false, error: { code: 'unknown_command', message: `unknown "${String(req.name)}"` } };
    this.send(s, 'cmd/res', res, 1);
  }

  private lost(s: TLSSocket) {
    if (this.socket !== s) return;
    this.socket = null;
    this.online = false;
    this.clearTimer();
    this.leaveGate();
    if (this.stopped) return;
    // Full jitter, as the agent: a broker restart does not bring every device back in one instant.
    const cap = Math.min(this.o.backoff.capMs, this.o.backoff.baseMs * 2 ** this.attempt++);
    this.timer = setTimeout(() => this.dial(), this.o.random() * cap);
  }
}
