import { testDialects } from '../../storage/test-database.js';
import { commandsStoreContract } from './commands.store.contract.js';

for (const { name, open } of testDialects()) commandsStoreContract(name, open);
