import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_FILTER_LENGTH } from './filter-parser.js';
import { renameGroupInFilter, renamedPath } from './filter-rename.js';

const rename = (text: string) => renameGroupInFilter(text, 'north', 'east');

describe('renamedPath', () => {
  it('moves the group and its descendants, and nothing that only shares a prefix', () => {
    assert.equal(renamedPath('north', 'north', 'east'), 'east');
    assert.equal(renamedPath('north/pumps/p1', 'north', 'east'), 'east/pumps/p1');
    assert.equal(renamedPath('northwest', 'north', 'east'), null);
    assert.equal(renamedPath('plant/north', 'north', 'east'), null);
  });
});

describe('renameGroupInFilter', () => {
  it('rewrites quoted and bare paths, in comparisons and lists, keeping the rest of the text', () => {
    assert.deepEqual(rename('group = "north" and online'), { kind: 'rewritten', text: 'group = "east" and online' });
    assert.deepEqual(rename('group=north/pumps'), { kind: 'rewritten', text: 'group="east/pumps"' });
    assert.deepEqual(rename('not group != north'), { kind: 'rewritten', text: 'not group != "east"' });
    assert.deepEqual(rename('GROUP in ("a", north,  "north/x") or model = m1'), {
      kind: 'rewritten',
      text: 'GROUP in ("a", "east",  "east/x") or model = m1',
    });
  });

  it('leaves prefixes, other fields and tag values that spell the name alone', () => {
    assert.deepEqual(rename('group = "northwest" or group in (northwest, plant/north)'), { kind: 'unchanged' });
    assert.deepEqual(rename('tag.site = "north" and name ~ north'), { kind: 'unchanged' });
    assert.deepEqual(rename('tag.group = north and group = northwest'), { kind: 'unchanged' });
  });

  it('rewrites only the group values in a mixed filter', () => {
    assert.deepEqual(rename('tag.site = north and (group = north or group = "northwest")'), {
      kind: 'rewritten',
      text: 'tag.site = north and (group = "east" or group = "northwest")',
    });
  });

  it('handles a path with a leading slash and a path that needs escaping in the new name', () => {
    assert.deepEqual(rename('group = "/north/"'), { kind: 'rewritten', text: 'group = "east"' });
    assert.deepEqual(renameGroupInFilter('group = a', 'a', 'b/c'), { kind: 'rewritten', text: 'group = "b/c"' });
  });

  it('refuses a filter that no longer parses but mentions the name, and ignores one that does not', () => {
    const failed = rename('group = "north" and (');
    assert.equal(failed.kind, 'failed');
    assert.match(failed.kind === 'failed' ? failed.reason : '', /does not parse/);
    assert.deepEqual(rename('model = ('), { kind: 'unchanged' });
  });

  it('refuses a rewrite that would outgrow the longest filter', () => {
    const list = Array.from({ length: 800 }, () => 'a').join(',');
    const text = `group in (${list})`;
    assert.ok(text.length <= MAX_FILTER_LENGTH);
    const r = renameGroupInFilter(text, 'a', 'a-much-longer-name');
    assert.equal(r.kind, 'failed');
    assert.match(r.kind === 'failed' ? r.reason : '', /longer than 4096/);
  });
});
