import { settingsStoreContract, settingsStoreUsersContract } from './settings-store.contract.js';
import { jsonFileSettings, memorySettings } from './settings-stores.contract.fixture.js';

// The JSON file store asks the system who is logged in (`who`), a child process: that part runs in
// settings-stores.contract.int.test.ts.
settingsStoreContract(memorySettings);
settingsStoreUsersContract(memorySettings);
settingsStoreContract(jsonFileSettings);
