import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findUndeclaredFactories, undeclaredIn } from './declared-interfaces.js';

// Services and stores whose factory still has no declared interface: the list only shrinks. A new
// `create…` factory in a `*.service.ts` or `*.store.ts` declares the interface it returns at the
// top of its file (`export function createX(…): XService`), and consumers take that interface or
// a `Pick<…>` of it; an entry that is gone must be struck from the list.
const KNOWN_UNDECLARED = [
  'guard/field-assets.service.ts createFieldAssetsService',
  'guard/guard.service.ts createGuardService',
  'guard/guard.service.ts GuardService',
  'live/live.service.ts createLiveService',
  'live/live.service.ts LiveService',
  'live/live.store.ts createLiveStore',
  'live/live.store.ts LiveStore',
  'updates/rollouts/rollouts.store.ts createRolloutsStore',
  'updates/rollouts/rollouts.store.ts RolloutsStore',
];

describe('declared service and store interfaces', () => {
  const found = findUndeclaredFactories();

  it('every service and store factory returns an interface declared by name (beyond the known list)', () => {
    const added = found.filter((u) => !KNOWN_UNDECLARED.includes(u.key)).map((u) => `${u.key}: ${u.why}`);
    assert.deepEqual(added, [], 'declare the interface these factories return');
  });

  it('the known list holds only factories that are still undeclared', () => {
    const current = new Set(found.map((u) => u.key));
    assert.deepEqual(
      KNOWN_UNDECLARED.filter((k) => !current.has(k)),
      [],
      'strike these from KNOWN_UNDECLARED',
    );
  });

  it('tells a declared interface from an inferred or derived type', () => {
    const text = [
      'export interface AService { get(id: string): Promise<string> }',
      'export function createAService(d: Deps): AService { return { get: async (id) => id }; }',
      'export async function createBStore(db: Db): Promise<BStore> { return open(db); }',
      'export function createCService(d: Deps) { return { run() {} }; }',
      'export function createDService(d: Deps): { run(): void } { return { run() {} }; }',
      'export type EStore = ReturnType<typeof createEStore>;',
      'export function createEStore(db: Db): ReturnType<typeof open> { return open(db); }',
      'function createHidden() { return {}; }',
    ].join('\n');
    assert.deepEqual(
      undeclaredIn('x/x.service.ts', text).map((u) => `${u.key}: ${u.why}`),
      [
        'x/x.service.ts createCService: no declared return type',
        'x/x.service.ts createDService: return type is not a named interface',
        'x/x.service.ts EStore: type derived with ReturnType',
        'x/x.service.ts createEStore: return type is not a named interface',
      ],
    );
  });
});
