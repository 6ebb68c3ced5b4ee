// What a guard knows about the masters' use of the line it protects, for its own identity
// queries (identify.scheduler.ts): whether a master's transaction is in progress, when the line
// last carried anything, and which units or outstations masters address (at most MAX_SEEN).

const MAX_SEEN = 32;

export class LinkActivity {
  private readonly pending = new Set<() => number>();
  private readonly seenSet = new Set<number>();
  private lastAt = -Infinity;
  /** DNP3: the link address masters send from (the last seen). */
  masterAddress: number | undefined;

  constructor(
    private readonly now: () => number,
    private readonly quietMs: number,
  ) {}

  /** Counts a connection's requests awaiting a reply; returns the function that stops counting it. */
  track(inFlight: () => number): () => void {
    this.pending.add(inFlight);
    return () => void this.pending.delete(inFlight);
  }

  /** The line carried something now. */
  touch(): void {
    this.lastAt = this.now();
  }

  /** A master addressed this unit or outstation. */
  saw(address: number): void {
    if (this.seenSet.size < MAX_SEEN) this.seenSet.add(address);
  }

  seen(): Iterable<number> {
    return this.seenSet;
  }

  /** No master transaction in progress and nothing on the line for quietMs. */
  idle(): boolean {
    for (const n of this.pending) if (n() > 0) return false;
    return this.now() - this.lastAt >= this.quietMs;
  }
}
