// Store contract suites on PostgreSQL, shard 3 of 3 (see test-postgres-contracts.ts).
import { storeContractsOnPostgres } from './test-postgres-contracts.js';

await storeContractsOnPostgres(2, 3);
