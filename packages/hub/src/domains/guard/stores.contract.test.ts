import { testDialects } from '../../storage/test-database.js';
import { fieldAssetsStoreContract } from './field-assets.store.contract.js';
import { guardGrantsStoreContract } from './guard-grants.store.contract.js';
import { guardKeysStoreContract } from './guard-keys.store.contract.js';
import { guardPoliciesStoreContract } from './guard-policies.store.contract.js';

for (const { name, open } of testDialects()) {
  guardPoliciesStoreContract(name, open);
  guardGrantsStoreContract(name, open);
  guardKeysStoreContract(name, open);
  fieldAssetsStoreContract(name, open);
}
