import { testDialects } from '../../storage/test-database.js';
import { requestWindowsStoreContract } from './request-windows.store.contract.js';

for (const { name, open } of testDialects()) requestWindowsStoreContract(name, open);
