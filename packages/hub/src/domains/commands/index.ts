// The commands domain's public face: the read model of reboots sent, for the device timeline.
export * from './command-marks.reads.js';
