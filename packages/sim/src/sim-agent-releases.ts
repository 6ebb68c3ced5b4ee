import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_VERSION, launchDecision, readAgentUpdate, writeAgentUpdate, type AgentReleases } from '@outpost/agent';

interface ReleasesFile {
  current: string;
  installed: string[];
}

/**
 * A simulated device's releases of the agent: which versions are installed and which one
 * `current` names, in one small file. Only the process restart is simulated: the record, the
 * launcher's rule and the agent's self-update are the agent's own code.
 */
export function createSimAgentReleases(dir: string): AgentReleases & { current(): string; pointNow(v: string): void } {
  const file = join(dir, 'agent-releases.json');
  const load = (): ReleasesFile => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as ReleasesFile;
    } catch {
      return { current: AGENT_VERSION, installed: [AGENT_VERSION] };
    }
  };
  const save = (f: ReleasesFile) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(f));
    renameSync(`${file}.tmp`, file);
  };
  const pointNow = (v: string) => {
    const f = load();
    if (!f.installed.includes(v)) throw new Error(`agent ${v} is not installed`);
    save({ ...f, current: v });
  };
  return {
    current: () => load().current,
    pointNow,
    async unpack(_image, m) {
      const f = load();
      if (f.current === m.version) throw new Error(`${m.version} is the version that runs`);
      save({ ...f, installed: [...f.installed.filter((v) => v !== m.version), m.version] });
    },
    async point(v) {
      pointNow(v);
    },
    async prune(keep) {
      const f = load();
      save({ ...f, installed: f.installed.filter((v) => v === f.current || keep.includes(v)) });
    },
  };
}

/**
 * What the launcher and the service manager do when a simulated device starts: apply the
 * launcher's rule to the record, and while `current` names a broken version (one that exits at
 * start), start again — each start counted — until the rule takes it back. Returns the version that runs.
 */
export function simLaunch(dir: string, releases: ReturnType<typeof createSimAgentReleases>, broken: Set<string>) {
  // Bounded: a device whose previous version is broken too would restart for ever; here it stops trying.
  for (let start = 0; start < 16; start++) {
    const d = launchDecision(readAgentUpdate(dir), Math.floor(Date.now() / 1000));
    if (d.action === 'roll_back') releases.pointNow(d.record.previous);
    if (d.record) writeAgentUpdate(dir, d.record, false);
    if (!broken.has(releases.current())) break;
  }
  return releases.current();
}
