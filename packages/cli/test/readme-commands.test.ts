import { test } from 'node:test';
import assert from 'node:assert/strict';
import { npmScriptOf, PrintedIds, PrintedValues, readmeCommands } from './readme-commands.js';

const FENCE = '```';
const markdown = [
  '# Outpost',
  '## Start',
  `${FENCE}sh`,
  'npm install && npm start',
  '# a comment line',
  `${FENCE}`,
  'outpost prose outside a block',
  '## Use',
  `${FENCE}bash`,
  'outpost templates create a --set \\',
  '  \'x="# not a comment"\'   # a comment',
  'outpost health; outpost alerts list',
  'mbpoll -a 1 127.0.0.1',
  `${FENCE}`,
  `${FENCE}`,
  'outpost in a block that is not shell',
  `${FENCE}`,
].join('\n');

test('README commands: sh/bash blocks only, continuations joined, comments dropped, one step each', () => {
  assert.deepEqual(readmeCommands(markdown), [
    { line: 4, section: 'Start', text: 'npm install' },
    { line: 4, section: 'Start', text: 'npm start' },
    { line: 10, section: 'Use', text: 'outpost templates create a --set \'x="# not a comment"\'' },
    { line: 12, section: 'Use', text: 'outpost health' },
    { line: 12, section: 'Use', text: 'outpost alerts list' },
  ]);
});

test('npm commands name the package.json script they run', () => {
  assert.equal(npmScriptOf('npm start'), 'start');
  assert.equal(npmScriptOf('npm test'), 'test');
  assert.equal(npmScriptOf('npm run package:hub -- --quick'), 'package:hub');
  assert.equal(npmScriptOf('npm install'), null);
});

test('placeholders take the ids printed before, and a missing one is named', () => {
  const ids = new PrintedIds();
  assert.deepEqual(ids.fill('outpost alerts ack alr_…'), { text: 'outpost alerts ack alr_…', missing: 'alr' });
  ids.remember('created chn_aaaaaaaaaaaaaaaaaaaaaaaa\n');
  ids.remember('created chn_bbbbbbbbbbbbbbbbbbbbbbbb, again chn_aaaaaaaaaaaaaaaaaaaaaaaa');
  assert.deepEqual(ids.fill('rules create --channel chn_… --channel chn_…'), {
    text: 'rules create --channel chn_aaaaaaaaaaaaaaaaaaaaaaaa --channel chn_bbbbbbbbbbbbbbbbbbbbbbbb',
    missing: null,
  });
  assert.equal(
    ids.fill('reports schedule --channel chn_…').text,
    'reports schedule --channel chn_bbbbbbbbbbbbbbbbbbbbbbbb',
  );
});

test('example values take the latest value printed for them, and one nothing printed is named', () => {
  const values = new PrintedValues({ 'oet_…': /--token (oet_\S+)/, 'https://hub.example:8443': /--hub (\S+)/ });
  const line = 'outpost agent enroll --hub https://hub.example:8443 --token oet_…';
  assert.deepEqual(values.fill(line), { text: line, missing: 'oet_…' });
  values.remember('outpost agent enroll --hub https://127.0.0.1:1 --token oet_old');
  values.remember(
    'token (shown once)\n  outpost agent enroll --hub https://127.0.0.1:2 --token oet_new --token oet_newer',
  );
  assert.deepEqual(values.fill(line), {
    text: 'outpost agent enroll --hub https://127.0.0.1:2 --token oet_newer',
    missing: null,
  });
  assert.equal(values.fill('outpost health').text, 'outpost health');
});
