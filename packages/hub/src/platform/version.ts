import { readFileSync } from 'node:fs';

/** This hub's release, from its package.json: recorded in the database and in every backup. */
export const HUB_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
