import { testDialects } from '../../storage/test-database.js';
import { mfaStoreContract } from './mfa.store.contract.js';
import { userScopeStoreContract } from './user-scope.store.contract.js';
import { usersStoreContract } from './users.store.contract.js';
import { ssoStoreContract } from './sso/sso.store.contract.js';

for (const { name, open } of testDialects()) {
  usersStoreContract(name, open);
  userScopeStoreContract(name, open);
  mfaStoreContract(name, open);
  ssoStoreContract(name, open);
}
