import { testDialects } from '../../storage/test-database.js';
import { geofencesStoreContract } from './geofences.store.contract.js';

for (const { name, open } of testDialects()) geofencesStoreContract(name, open);
