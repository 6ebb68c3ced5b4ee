import { testDialects } from '../../storage/test-database.js';
import { locationStoreContract } from './location.store.contract.js';

for (const { name, open } of testDialects()) locationStoreContract(name, open);
