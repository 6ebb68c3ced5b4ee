import { testDialects } from '../../storage/test-database.js';
import { alertDataStoreContract } from './alert-data.store.contract.js';
import { alertTimersStoreContract } from './alert-timers.store.contract.js';
import { alertsStoreContract } from './alerts.store.contract.js';

for (const { name, open } of testDialects()) {
  alertsStoreContract(name, open);
  alertTimersStoreContract(name, open);
  alertDataStoreContract(name, open);
}
