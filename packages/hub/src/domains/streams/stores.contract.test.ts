import { testDialects } from '../../storage/test-database.js';
import { streamsStoreContract } from './streams.store.contract.js';

for (const { name, open } of testDialects()) streamsStoreContract(name, open);
