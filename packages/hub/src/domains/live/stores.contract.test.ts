import { testDialects } from '../../storage/test-database.js';
import { liveStoreContract } from './live.store.contract.js';

for (const { name, open } of testDialects()) liveStoreContract(name, open);
