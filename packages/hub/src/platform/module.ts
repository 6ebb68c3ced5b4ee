import type { FastifyInstance } from 'fastify';
import type { Migration } from 'kysely';
import type { DomainEventName } from './domain-events.js';

// The shape every hub domain takes. A domain exports one `x.module.ts` built with defineModule:
// its migrations (the tables it owns), the domain events it emits and consumes, and `create`,
// which builds its services from narrowed ports and returns what the hub runs of it — routes,
// device topic handlers, scheduled jobs, reactions to devices coming and going, a stop hook.
// The hub is a list of modules; migrations, route registration, the gateway's topic switch and
// the background work are folds over that list (domains/hub-modules.ts, domains/compose-domains.ts).

/** Background work with a name, run by the hub's scheduler every `everyMs`; runs never overlap. */
export interface Job {
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
}

/** Handles one device topic (by suffix) after the size check; validates its own payload. */
export type TopicHandler = (deviceId: string, payload: Buffer) => Promise<void>;

/** What a module contributes to the running hub besides the services it hands to other modules. */
export interface ModuleParts {
  routes?(app: FastifyInstance): void;
  topics?: Record<string, TopicHandler>;
  jobs?: Job[];
  /** A device announced itself after subscribing: messages can reach it now. */
  onDeviceReady?(deviceId: string): void;
  onDeviceOffline?(deviceId: string): void;
  /** The hub is stopping; the database is still open. */
  stop?(): void | Promise<void>;
}

export interface ModuleDefinition<Deps, Api> {
  name: string;
  /** Migrations of the tables the module owns, by a name no other migration uses (NNN_domain_what). */
  migrations: Record<string, Migration>;
  events: { emits: DomainEventName[]; consumes: DomainEventName[] };
  create(deps: Deps): { api: Api; parts: ModuleParts };
}

/** Declares a hub module; the identity function, for the types. */
export function defineModule<Deps, Api>(m: ModuleDefinition<Deps, Api>): ModuleDefinition<Deps, Api> {
  return m;
}

/** Every module's migrations in one record; a name used twice is a programming error. */
export function foldMigrations(
  core: Record<string, Migration>,
  modules: Array<Pick<ModuleDefinition<never, unknown>, 'name' | 'migrations'>>,
) {
  const all: Record<string, Migration> = { ...core };
  for (const m of modules) {
    for (const [name, migration] of Object.entries(m.migrations)) {
      if (all[name]) throw new Error(`migration ${name} of module ${m.name} is declared twice`);
      all[name] = migration;
    }
  }
  return all;
}
