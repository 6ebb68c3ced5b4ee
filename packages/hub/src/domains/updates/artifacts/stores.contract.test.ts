import { testDialects } from '../../../storage/test-database.js';
import { artifactsStoreContract } from './artifacts.store.contract.js';

for (const { name, open } of testDialects()) artifactsStoreContract(name, open);
