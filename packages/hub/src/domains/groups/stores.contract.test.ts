import { testDialects } from '../../storage/test-database.js';
import { groupsStoreContract } from './groups.store.contract.js';

for (const { name, open } of testDialects()) groupsStoreContract(name, open);
