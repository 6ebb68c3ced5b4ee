// Offline capture analysis for `outpost guard inspect`, on its own entry point
// (`@outpost/agent/inspect`) so the command loads the parsers and nothing else of the agent.
export {
  inspectCapture,
  inspectCaptureStream,
  type GuardPolicy,
  type InspectionReport,
  type InspectionRow,
  type InspectionSummary,
} from '@outpost/guard';
