import { testDialects } from '../../storage/test-database.js';
import { healthStoreContract } from './health.store.contract.js';

for (const { name, open } of testDialects()) healthStoreContract(name, open);
