import { defineErrors } from '@zenne/device-profiles';

/**
 * Errors thrown by the bridges' synchronous helpers and test utilities.
 * Bad bytes on a stream never throw: parsers count them and emit `frame-error`.
 */
export const bridgeErrors = defineErrors('BRIDGE', {
  UNKNOWN_BRIDGE: {
    kind: 'invalid_input',
    message: 'Unknown firmware bridge "{id}"',
    hint: 'Set `bridge` to one of: {known}',
  },
  INVALID_FIELDS: {
    kind: 'invalid_input',
    message: 'Cannot encode a {bridge} frame: {reason}',
    hint: 'Pass the decoded field names of the {bridge} bridge ({fields}) with values the sensor can send',
  },
  INVALID_COMMAND: {
    kind: 'invalid_input',
    message: 'Cannot encode the {bridge} command: {reason}',
    hint: 'Check the command against the protocol table in firmware-bridges/src/{bridge}/README.md',
  },
  MALFORMED_MESSAGE: {
    kind: 'invalid_input',
    message: 'Bytes are not a valid {bridge} {message}: {reason}',
    hint: 'Check the serial wiring and baud rate, and that the bytes come from a {bridge} device or host',
  },
  SOCAT_MISSING: {
    kind: 'fatal',
    message: 'socat is not installed, so no pseudo-terminal pair can be created',
    hint: 'Install it with `apt-get install -y socat`',
  },
  PTY_PAIR_FAILED: {
    kind: 'fatal',
    message: 'socat could not create the pseudo-terminal pair {a} <-> {b}: {reason}',
    hint: 'Check that the directory is writable and /dev/ptmx is available; socat said: {stderr}',
  },
});
