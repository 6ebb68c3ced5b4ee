// Public face of the diagnostics domain: named diagnostics an agent declares, run on one device or many.

/** One device's answer to one diagnostic. */
export interface DiagnosticResult {
  deviceId: string;
  name: string;
  status: 'ok' | 'failed' | 'refused' | 'timeout' | 'offline';
  exitCode?: number;
  stdout: string;
  stderr: string;
  truncated: boolean;
  durationMs: number;
  reason?: string;
}

export interface DiagnosticsRunner {
  /** Runs one named diagnostic on one device and resolves with its result (never throws for device-side failures). */
  runOn(
    deviceId: string,
    name: string,
    opts: { param?: string; timeoutMs?: number; actor: string; runId?: string },
  ): Promise<DiagnosticResult>;
}
