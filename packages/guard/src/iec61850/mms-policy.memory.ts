import { GuardMemory, MAX_SELECTIONS } from '../policy/guard.memory.js';

// What later MMS decisions depend on: rate-limit buckets (the guard memory's) and the control
// objects a client selected (SBOw) and has not operated or cancelled yet. Bounded.

export interface MmsMemoryView {
  readonly rates: GuardMemory;
  /** When `master` last selected the control object `ref` ("LD0/CSWI1.Pos"), if it still stands. */
  selectedAt(master: string, ref: string): number | undefined;
}

export class MmsMemory implements MmsMemoryView {
  readonly rates = new GuardMemory();
  private readonly selections = new Map<string, number>();

  selectedAt(master: string, ref: string): number | undefined {
    return this.selections.get(`${master}|${ref}`);
  }

  select(master: string, ref: string, at: number): void {
    const key = `${master}|${ref}`;
    this.selections.delete(key);
    this.selections.set(key, at);
    if (this.selections.size > MAX_SELECTIONS) {
      const oldest = this.selections.keys().next().value;
      if (oldest !== undefined) this.selections.delete(oldest);
    }
  }

  endSelection(master: string, ref: string): void {
    this.selections.delete(`${master}|${ref}`);
  }

  sizes(): { selections: number } {
    return { selections: this.selections.size };
  }
}
