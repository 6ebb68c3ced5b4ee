import { testDialects } from '../../../storage/test-database.js';
import { rolloutJobsStoreContract } from './rollout-jobs.store.contract.js';
import { rolloutsStoreContract } from './rollouts.store.contract.js';

for (const { name, open } of testDialects()) {
  rolloutsStoreContract(name, open);
  rolloutJobsStoreContract(name, open);
}
