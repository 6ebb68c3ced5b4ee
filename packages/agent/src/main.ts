// The standalone device agent: `outpost-agent enroll | run | version`. It imports agent, guard
// and protocol code only, so it bundles into one file with no native modules.
import { agentMain } from './command-line/agent-main.js';

// No top-level await: the single executable runs this bundled as CommonJS.
void agentMain(process.argv.slice(2)).then((result) => {
  if (typeof result === 'number') process.exitCode = result;
});
