import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { recordingFile } from './access-recordings.js';

describe('recording files', () => {
  it('are found under the current recordings folder, wherever the data directory was when they were written', () => {
    assert.equal(
      recordingFile('/srv/outpost/recordings', '/var/lib/old-hub/recordings/2026-12/acs_abc.cast'),
      '/srv/outpost/recordings/2026-12/acs_abc.cast',
    );
    assert.equal(
      recordingFile('/data/recordings', '/data/recordings/2026-11/acs_x.pcap'),
      '/data/recordings/2026-11/acs_x.pcap',
    );
  });
});
