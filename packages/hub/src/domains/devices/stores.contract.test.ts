import { testDialects } from '../../storage/test-database.js';
import { deviceTrafficContract } from './devices-traffic.store.contract.js';
import { devicesStoreContract } from './devices.store.contract.js';
import { fleetSnapshotStoreContract } from './fleet-snapshot.store.contract.js';

for (const { name, open } of testDialects()) {
  devicesStoreContract(name, open);
  deviceTrafficContract(name, open);
  fleetSnapshotStoreContract(name, open);
}
