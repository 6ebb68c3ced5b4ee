import { testDialects } from '../../storage/test-database.js';
import { configsStoreContract } from './configs.store.contract.js';
import { desiredStoreContract } from './desired.store.contract.js';

for (const { name, open } of testDialects()) {
  configsStoreContract(name, open);
  desiredStoreContract(name, open);
}
