import { readFile } from 'node:fs/promises';
import type { SettingsStore } from '../settings/settings.store.js';
import type { GuardFeature } from '../ot-guard/guard.feature.js';
import type { GuardRoute } from './data.feature.js';

/** The setting a configuration template uses to deliver the data sources (a JSON text of the list). */
export const DATA_SOURCES_SETTING = 'data.sources';

/**
 * The data sources in force: the `data.sources` setting when a template set it (its list
 * replaces the file's, keeping the file's other keys), else the file; undefined when neither exists.
 */
export function dataSourcesLoader(file: string, settings?: SettingsStore): () => Promise<string | undefined> {
  return async () => {
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const setting = settings ? (await settings.read())[DATA_SOURCES_SETTING] : undefined;
    if (typeof setting !== 'string' || setting.trim() === '') return text;
    let base: Record<string, unknown> = {};
    try {
      const parsed = text ? (JSON.parse(text) as unknown) : {};
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) base = parsed as Record<string, unknown>;
    } catch {
      // An unreadable file is replaced by the setting's list alone.
    }
    let list: unknown;
    try {
      list = JSON.parse(setting);
    } catch {
      return setting; // refused by the parser with its message
    }
    const sources = Array.isArray(list) ? list : (list as { sources?: unknown })?.sources;
    return JSON.stringify({ ...base, ...(Array.isArray(list) ? {} : (list as object)), sources });
  };
}

/**
 * Where to poll a Modbus TCP device that one of this agent's guards fronts: the guard's
 * listening address, so the guard's policy applies to the agent's own reads and writes and
 * shows in its events like any other master's.
 */
export function guardRouteFor(guard: GuardFeature): (host: string, port: number) => GuardRoute | undefined {
  return (host, port) => {
    const g = guard
      .status()
      .guards.find(
        (x) => x.kind === 'modbus-tcp' && x.address && x.upstream?.host === host && x.upstream.port === port,
      );
    if (!g?.address) return undefined;
    const any = g.address.host === '0.0.0.0' || g.address.host === '::';
    return { host: any ? '127.0.0.1' : g.address.host, port: g.address.port, name: g.name };
  };
}
