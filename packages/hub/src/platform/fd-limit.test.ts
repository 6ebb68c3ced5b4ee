import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openFileLimits, openFilesWarning } from './fd-limit.js';

const PROC = `Limit                     Soft Limit           Hard Limit           Units
Max processes             95367                95367                processes
Max open files            1024                 524288               files
`;

describe('open file limit', () => {
  it('reads the soft and hard limits the kernel reports', () => {
    assert.deepEqual(openFileLimits(PROC), { soft: 1024, hard: 524288 });
    assert.deepEqual(openFileLimits(PROC.replace('1024 ', 'unlimited')), {
      soft: Number.POSITIVE_INFINITY,
      hard: 524288,
    });
    assert.equal(openFileLimits('nothing here'), null);
  });

  it('warns below the minimum, naming the limit and how to raise it', () => {
    assert.match(
      openFilesWarning({ soft: 1024, hard: 4096 })!,
      /only 1024 files .* past about 924 connections .* LimitNOFILE/,
    );
    assert.equal(openFilesWarning({ soft: 65536, hard: 65536 }), null);
    assert.equal(openFilesWarning(null), null);
  });
});
