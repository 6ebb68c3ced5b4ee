import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { findProtocolTwins, HUB_SRC, objectDeclarations, PROTOCOL_SRC, twins } from './protocol-twins.js';

// A type the wire carries is declared once, in the protocol, and the hub imports it: a hub
// interface with the same properties and property types as a protocol interface fails the build
// (import the protocol's). The list only shrinks.
const KNOWN_TWINS: string[] = [];

describe('hub declarations of protocol types', () => {
  const found = findProtocolTwins();

  it('no hub interface restates a protocol interface (beyond the known list)', () => {
    assert.deepEqual(
      found.filter((t) => !KNOWN_TWINS.includes(t)),
      [],
      'import these from the protocol',
    );
  });

  it('the known list holds only twins that still exist', () => {
    assert.deepEqual(
      KNOWN_TWINS.filter((t) => !found.includes(t)),
      [],
      'strike these from KNOWN_TWINS',
    );
  });

  it('matches the same properties and types whatever the names and order, and not another type', () => {
    const protocol = objectDeclarations(
      join(PROTOCOL_SRC, 'x.ts'),
      'export interface AuditLine { seq: number; ts: string; target: string | null }',
    );
    const hub = objectDeclarations(
      join(HUB_SRC, 'domains/audit/y.ts'),
      [
        'export interface Line { target: string | null; seq: number; ts: string }',
        'export interface Optional { seq?: number; ts: string; target: string | null }',
        'export interface Wider { seq: number; ts: string; target: string }',
        'export type Alias = { ts: string; seq: number; target: string | null };',
      ].join('\n'),
    );
    assert.deepEqual(twins(hub, protocol), [
      'domains/audit/y.ts Line = x.ts AuditLine',
      'domains/audit/y.ts Alias = x.ts AuditLine',
    ]);
  });
});
