import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileValidator } from '../validate.js';
import { EventsMessage } from '../device-messages.js';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from './json-depth.js';

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('JSON nesting bound', () => {
  it('counts arrays and objects, not brackets inside strings or after escapes', () => {
    assert.equal(jsonNestsDeeperThan(nested(MAX_JSON_DEPTH)), false);
    assert.equal(jsonNestsDeeperThan(nested(MAX_JSON_DEPTH + 1)), true);
    assert.equal(jsonNestsDeeperThan('{"a":{"b":[1,{"c":2}]}}', 3), true);
    assert.equal(jsonNestsDeeperThan('{"a":{"b":[1,{"c":2}]}}', 4), false);
    assert.equal(jsonNestsDeeperThan(`{"s":"${'['.repeat(100)}"}`), false);
    assert.equal(jsonNestsDeeperThan(`{"s":"\\"${'{'.repeat(100)}"}`), false);
  });

  it('a device message nested too deep is refused before it is parsed, with a stable code', () => {
    // Valid by schema (event data is free-form), and deep enough to break JSON.stringify afterwards.
    const depth = 120_000;
    const text = `{"v":1,"events":[{"seq":1,"ts":1700000000000,"type":"x.y","severity":"info","data":{"a":${nested(depth)}}}]}`;
    const r = compileValidator(EventsMessage).parse(text);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.code, 'too_deep');
    assert.match(!r.ok ? r.message : '', /nested deeper than 32 levels/);
  });
});
