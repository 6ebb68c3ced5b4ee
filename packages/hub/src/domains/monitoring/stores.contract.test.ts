import { testDialects } from '../../storage/test-database.js';
import { fleetSnapshotStoreContract } from './fleet-snapshot.store.contract.js';

for (const { name, open } of testDialects) fleetSnapshotStoreContract(name, open);
