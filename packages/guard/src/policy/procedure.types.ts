// What the guard records of procedure runs (procedure.rules.ts): where each run stands, kept in the
// guard's memory, and what a request was to a procedure, reported with the policy's decision.

/** What a request was to a procedure: the step it performed, or the step it was refused against. */
export interface ProcedureStepOutcome {
  /** `<procedure name>:<grant id>`, one per run; absent when no grant started the procedure. */
  id?: string;
  procedure: string;
  /** The step performed, or (refused) the step next due. */
  step: string;
  index: number;
  steps: number;
  /** From the grant that started the run: who granted it, why, under which ticket. */
  operator?: string;
  reason?: string;
  ticket?: string;
  grantId?: string;
  /** True when the step is done by this request (a DNP3 SELECT only prepares it). */
  advances: boolean;
  /** The refusal code, when the request was not the step next due. */
  refused?: string;
}

/** Where a run stands: the index of the step next due and when the step before was done. */
export interface ProcedureProgress {
  next: number;
  at: number;
}
