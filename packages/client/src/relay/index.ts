// The operator's leg of the remote-access relay (Node only, `ws`); `@outpost/client/relay`.
// Kept out of the main entry so the console's browser bundle and `outpost --help` never load it.
export { dialRelay, type RelayEnd, type RelayLink, type RelayReady } from './relay-dialer.js';
export { startTcpForward, type TcpForward } from './tcp-forward.js';
