import { testDialects } from '../../storage/test-database.js';
import { viewsStoreContract } from './views.store.contract.js';

for (const { name, open } of testDialects()) viewsStoreContract(name, open);
