import type { AddressRange, GuardClass, PointValue } from '../shared/guard.types.js';

/** Link-layer header fields (IEEE 1815-2012 §9.2.4). */
export interface Dnp3LinkHeader {
  /** LENGTH octet: control + destination + source + user data octets (CRCs excluded). */
  length: number;
  control: number;
  /** DIR bit: set on frames sent by the master. */
  fromMaster: boolean;
  /** PRM bit: set on primary (initiating) frames. */
  primary: boolean;
  linkFunction: number;
  destination: number;
  source: number;
}

/** A complete link frame with the block CRCs checked and removed from the user data. */
export interface Dnp3LinkFrame extends Dnp3LinkHeader {
  userData: Uint8Array;
  raw: Uint8Array;
}

export type Dnp3LinkResult =
  | { kind: 'frame'; frame: Dnp3LinkFrame }
  | { kind: 'malformed'; reason: string; raw: Uint8Array; header?: Dnp3LinkHeader };

/** One object header of an application fragment (IEEE 1815-2012 §4.2.2.7). */
export interface Dnp3ObjectHeader {
  group: number;
  variation: number;
  qualifier: number;
  /** Range start/stop for start-stop qualifiers. */
  start?: number;
  stop?: number;
  /** Number of objects addressed (0 for "all objects", qualifier 0x06). */
  count: number;
  /** Offset and length of the object data inside the fragment, when it was walked. */
  dataOffset?: number;
  dataLength?: number;
  /** Lowest and highest point index named by index prefixes. */
  minIndex?: number;
  maxIndex?: number;
}

/** One point's value in a fragment, with the object it came from (decoded by dnp3-point.values.ts). */
export interface Dnp3PointValue extends PointValue {
  group: number;
  variation: number;
}

/** A parsed application fragment (IEEE 1815-2012 §4.2.2). */
export interface Dnp3Application {
  control: number;
  fir: boolean;
  fin: boolean;
  con: boolean;
  uns: boolean;
  seq: number;
  function: number;
  /** Internal indications, responses only (IIN1 in the high byte). */
  iin?: number;
  class: GuardClass;
  objects: Dnp3ObjectHeader[];
  ranges: AddressRange[];
  /** Octets left unwalked because an object size is not known (not an error). */
  unparsedBytes: number;
  /** Values of the commands an operate carries, or of the points a response reports (dnp3-point.values.ts). */
  points?: Dnp3PointValue[];
  /** Requests: headers (or unwalked octets) that touch something no address names. */
  unattributed?: string[];
  malformed?: string;
}

/** What one link frame from the stream amounted to. */
export interface Dnp3StreamItem {
  raw: Uint8Array;
  link?: Dnp3LinkHeader;
  transport?: { fir: boolean; fin: boolean; seq: number };
  /** Set on the link frame that completed an application fragment. */
  app?: Dnp3Application;
  /** The assembled application fragment bytes, with `app`. */
  fragment?: Uint8Array;
  malformed?: string;
}
