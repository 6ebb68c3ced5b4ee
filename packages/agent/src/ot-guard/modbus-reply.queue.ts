// The replies a Modbus TCP connection owes its master, in request order. A forwarded request
// waits for the device's reply; a request the guard answered itself (a blocked request's
// exception) is sent only once every earlier forwarded request has been answered, so the
// guard's reply never overtakes the device's reply to an earlier request.
//
// A device may never answer (a gateway whose target is gone, a dropped request): forwarded
// requests older than the reply timeout are given up, so that later replies are not held
// for ever and the connection's count of requests in flight does not grow.

type Entry = { tid: number; since: number } | { reply: Uint8Array };

export interface ReplyQueueOptions {
  send: (bytes: Uint8Array) => void;
  now: () => number;
  replyTimeoutMs: number;
}

export class ModbusReplyQueue {
  private entries: Entry[] = [];
  private awaiting = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly opts: ReplyQueueOptions) {}

  /** Requests whose reply has not been sent to the master yet. */
  get inFlight(): number {
    return this.entries.length;
  }

  forwarded(tid: number): void {
    if (this.stopped) return;
    this.entries.push({ tid, since: this.opts.now() });
    this.awaiting++;
    this.arm();
  }

  /** A reply of the guard's own, sent at once unless an earlier request awaits the device. */
  answer(reply: Uint8Array): void {
    if (this.stopped) return;
    if (this.awaiting === 0) this.opts.send(reply);
    else this.entries.push({ reply });
  }

  /** The device answered transaction `tid` (its reply has been passed to the master). */
  answered(tid: number): void {
    const i = this.entries.findIndex((e) => 'tid' in e && e.tid === tid);
    if (i >= 0) {
      this.entries.splice(i, 1);
      this.awaiting--;
    }
    this.flush();
  }

  /** The device's replies can no longer be framed: nothing more will be matched. */
  lost(): void {
    this.entries = this.entries.filter((e) => 'reply' in e);
    this.awaiting = 0;
    this.flush();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.entries = [];
    this.awaiting = 0;
  }

  private flush(): void {
    let n = 0;
    while (n < this.entries.length && 'reply' in this.entries[n]) n++;
    if (n === 0) return;
    const ready = this.entries.splice(0, n);
    for (const e of ready) if ('reply' in e) this.opts.send(e.reply);
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.expire(), this.opts.replyTimeoutMs);
    this.timer.unref();
  }

  private expire(): void {
    this.timer = undefined;
    const cutoff = this.opts.now() - this.opts.replyTimeoutMs;
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => 'reply' in e || e.since > cutoff);
    this.awaiting -= before - this.entries.length;
    this.flush();
    if (this.awaiting > 0) this.arm();
  }
}
