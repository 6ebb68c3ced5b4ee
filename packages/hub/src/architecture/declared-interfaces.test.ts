import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findUndeclaredFactories, undeclaredIn } from './declared-interfaces.js';

// A `create…` factory in a `*.service.ts` or `*.store.ts` declares the interface it returns at the
// top of its file (`export function createX(…): XService`), and consumers take that interface or
// a `Pick<…>` of it.
describe('declared service and store interfaces', () => {
  const found = findUndeclaredFactories();

  it('every service and store factory returns an interface declared by name', () => {
    assert.deepEqual(
      found.map((u) => `${u.key}: ${u.why}`),
      [],
      'declare the interface these factories return',
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
