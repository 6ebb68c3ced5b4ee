import { testDialects } from '../../../storage/test-database.js';
import { complianceStoreContract } from './compliance.store.contract.js';

for (const { name, open } of testDialects()) complianceStoreContract(name, open);
