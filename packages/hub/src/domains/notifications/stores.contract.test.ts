import { testDialects } from '../../storage/test-database.js';
import { channelsStoreContract } from './channels.store.contract.js';
import { mqttIntegrationsStoreContract } from './mqtt-integrations.store.contract.js';
import { outboxStoreContract } from './outbox.store.contract.js';

for (const { name, open } of testDialects()) {
  channelsStoreContract(name, open);
  mqttIntegrationsStoreContract(name, open);
  outboxStoreContract(name, open);
}
