import { testDialects } from '../../storage/test-database.js';
import { certificatesStoreContract } from './certificates.store.contract.js';
import { enrollmentStoreContract } from './enrollment.store.contract.js';
import { certRenewalsStoreContract } from './cert-renewals.store.contract.js';

for (const { name, open } of testDialects()) {
  certificatesStoreContract(name, open);
  enrollmentStoreContract(name, open);
  certRenewalsStoreContract(name, open);
}
