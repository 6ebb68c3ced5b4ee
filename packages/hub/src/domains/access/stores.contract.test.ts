import { testDialects } from '../../storage/test-database.js';
import { accessPoliciesStoreContract } from './access-policies.store.contract.js';
import { accessSessionsStoreContract } from './access-sessions.store.contract.js';

for (const { name, open } of testDialects()) {
  accessPoliciesStoreContract(name, open);
  accessSessionsStoreContract(name, open);
}
