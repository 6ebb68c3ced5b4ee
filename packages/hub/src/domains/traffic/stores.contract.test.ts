import { testDialects } from '../../storage/test-database.js';
import { trafficStoreContract } from './traffic.store.contract.js';

for (const { name, open } of testDialects()) trafficStoreContract(name, open);
