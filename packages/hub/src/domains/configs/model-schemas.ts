import type { Logger } from '../../platform/logger.js';
import type { ConfigsStore } from './configs.store.js';
import { compileModelSchema, type ModelSchema } from './model-schema.js';

export type ModelSchemas = ReturnType<typeof createModelSchemas>;

/**
 * Compiled settings schemas, one per model, compiled on first use and kept until the model's
 * schema is set or removed (`replace`). The names of the models that have a schema are read
 * once, so asking about a model without one costs no query: a device report for such a model
 * does no schema work at all. The hub is the only writer of schemas, so it keeps this current
 * through `replace`.
 */
export function createModelSchemas(d: { store: ConfigsStore; logger: Logger }) {
  let names: Promise<Set<string>> | null = null;
  const compiled = new Map<string, Promise<ModelSchema | null>>();
  // Bumped by every change, so a load that raced one is not kept.
  let generation = 0;

  function modelNames(): Promise<Set<string>> {
    if (!names) {
      const p = d.store.modelNames().then((xs) => new Set(xs));
      names = p;
      // A failed read is not kept: the next use tries again.
      p.catch(() => names === p && (names = null));
    }
    return names;
  }

  async function load(model: string): Promise<ModelSchema | null> {
    const row = await d.store.model(model);
    if (!row) return null;
    try {
      return compileModelSchema(JSON.parse(row.schema_json));
    } catch (err) {
      // Stored before a stricter check: devices of this model go unchecked until it is set again.
      d.logger.warn({ model, err: (err as Error).message.slice(0, 300) }, 'stored settings schema does not compile');
      return null;
    }
  }

  return {
    /** The compiled schema of `model`, or null when it has none. */
    async get(model: string | null | undefined): Promise<ModelSchema | null> {
      if (!model || !(await modelNames()).has(model)) return null;
      let p = compiled.get(model);
      if (!p) {
        const gen = generation;
        p = load(model);
        compiled.set(model, p);
        p.then(
          () => gen !== generation && compiled.get(model) === p && compiled.delete(model),
          () => compiled.get(model) === p && compiled.delete(model),
        );
      }
      return p;
    },
    /** A model's schema was set (and compiled by the caller) or removed (`null`). */
    replace(model: string, schema: ModelSchema | null) {
      generation++;
      if (schema) compiled.set(model, Promise.resolve(schema));
      else compiled.delete(model);
      // Read again at the next use (a load in flight may not have seen the change).
      names = null;
    },
  };
}
