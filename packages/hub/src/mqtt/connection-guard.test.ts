import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PacketSizeMeter } from './connection-guard.js';

const header = (type: number, len: number[]) => Buffer.from([type, ...len]);

describe('packet size meter', () => {
  it('follows packets across chunk boundaries and passes those within the limit', () => {
    const m = new PacketSizeMeter(200);
    // CONNECT of 2 + 100 bytes, split inside its header and body, then a PINGREQ.
    assert.equal(m.feed(Buffer.from([0x10])), null);
    assert.equal(m.feed(Buffer.concat([Buffer.from([100]), Buffer.alloc(60)])), null);
    assert.equal(m.feed(Buffer.concat([Buffer.alloc(40), Buffer.from([0xc0, 0x00])])), null);
  });

  it('refuses a packet whose declared length is over the limit from its header alone', () => {
    // 0x80 0x80 0x80 0x01 = 2,097,152 remaining bytes.
    assert.equal(new PacketSizeMeter(4096).feed(header(0x30, [0x80, 0x80, 0x80, 0x01])), 'packet_too_large');
    assert.equal(new PacketSizeMeter(4096).feed(header(0x30, [0xff, 0x7f])), 'packet_too_large');
  });

  it('refuses a remaining length longer than four bytes', () => {
    assert.equal(new PacketSizeMeter(1 << 30).feed(header(0x30, [0xff, 0xff, 0xff, 0xff, 0x01])), 'malformed_length');
  });

  it('applies a raised limit to the next packet', () => {
    const m = new PacketSizeMeter(10);
    assert.equal(m.feed(Buffer.concat([header(0x10, [5]), Buffer.alloc(5)])), null);
    m.limit = 1000;
    assert.equal(m.feed(Buffer.concat([header(0x30, [0xe8, 0x07]), Buffer.alloc(10)])), 'packet_too_large');
    assert.equal(new PacketSizeMeter(1000).feed(header(0x30, [0xe5, 0x07])), null);
  });
});
