import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GuardPolicyInput } from '../guard-messages.js';

// The guard policy's JSON Schema as docs/schemas/guard-policy.schema.json publishes it, made from
// the one TypeBox schema the hub and the agent check documents with. Rewrite the file with
// `node --import tsx --conditions=source packages/protocol/src/node/guard-policy-schema.ts --write`.

export const GUARD_POLICY_SCHEMA_FILE = fileURLToPath(
  new URL('../../../../docs/schemas/guard-policy.schema.json', import.meta.url),
);

export function guardPolicyJsonSchema(): string {
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Outpost guard policy',
    ...(JSON.parse(JSON.stringify(GuardPolicyInput)) as object),
  };
  return JSON.stringify(schema, null, 2) + '\n';
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write'))
  writeFileSync(GUARD_POLICY_SCHEMA_FILE, guardPolicyJsonSchema());
