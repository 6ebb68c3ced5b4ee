import { fileURLToPath } from 'node:url';

/**
 * The `outpost` command as an operator runs it: the compiled CLI (packages/cli/dist, which the test
 * runner builds first) on plain Node, with no TypeScript compiler at run time.
 */
export const OUTPOST_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
