import { testDialects } from '../../storage/test-database.js';
import { reportsStoreContract } from './reports.store.contract.js';

for (const { name, open } of testDialects()) reportsStoreContract(name, open);
