import { testDialects } from '../../storage/test-database.js';
import { siemStoreContract } from './siem.store.contract.js';

for (const { name, open } of testDialects()) siemStoreContract(name, open);
