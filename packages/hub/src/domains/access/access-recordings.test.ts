import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { recordingKey } from './access-recordings.js';

describe('recording keys', () => {
  it('name the month folder and file, whether the row holds a key or the path a file was once written at', () => {
    assert.equal(recordingKey('/var/lib/old-hub/recordings/2026-12/acs_abc.cast'), 'recordings/2026-12/acs_abc.cast');
    assert.equal(recordingKey('recordings/2026-11/acs_x.pcap'), 'recordings/2026-11/acs_x.pcap');
    assert.equal(recordingKey('/srv/outpost/recording-spool/2026-11/acs_x.pcap'), 'recordings/2026-11/acs_x.pcap');
  });
});
