import { testDialects } from '../../storage/test-database.js';
import { databaseBlobStoreContract } from './database-blob-store.contract.js';

for (const { name, open } of testDialects()) databaseBlobStoreContract(name, open);
