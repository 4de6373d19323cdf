import { defineErrors } from '@zenne/device-profiles';

/**
 * The agent's error catalogue (area `AGENT`). Every code is documented in
 * docs/errors/edge-agent.md; messages are written for the technician standing
 * next to the gateway.
 */
export const agentErrors = defineErrors('AGENT', {
  CONFIG_NOT_FOUND: {
    kind: 'fatal',
    message: 'config file {path} not found',
    hint: 'pass --config with the path of the agent YAML file (see edge-agent/examples/agent.yaml)',
  },
  CONFIG_YAML: {
    kind: 'invalid_input',
    message: 'config file {path} is not valid YAML: {reason}',
    hint: 'fix the syntax at the line shown (indent with spaces, quote values containing ":" or "#")',
  },
  CONFIG_INVALID: {
    kind: 'invalid_input',
    message: 'config file {path} has {count} problem(s):\n{issues}',
    hint: 'fix the fields listed above, then run `zenne-agent validate --config {path}`',
  },
  PASSWORD_FILE_UNREADABLE: {
    kind: 'fatal',
    message: 'cloud.password_file {file} cannot be read: {reason}',
    hint: 'create the file with the gateway secret (one line) and make it readable by the agent user',
  },
  STATE_DIR_LOCKED: {
    kind: 'fatal',
    message: 'state_dir {dir} is in use by another agent (pid {pid})',
    hint: 'stop the other agent first; two agents on one buffer would corrupt it',
  },
  SERIAL_PORT_UNAVAILABLE: {
    kind: 'retryable',
    message: 'serial port {port} of source {source} is unavailable: {reason}',
    hint: 'check the USB cable and adapter, that {port} exists (ls /dev/serial/by-id/) and that the agent user is in the dialout group; the agent retries on its own',
  },
  SOURCE_SINK_FAILED: {
    kind: 'retryable',
    message: 'readings of source {source} could not be buffered: {reason}',
    hint: 'check free space and permissions of state_dir; the frame is counted as an error',
  },
  BUFFER_TORN_RECORD: {
    kind: 'invalid_input',
    message: 'buffer segment {file} ended in a partly written record ({bytes} bytes); it was cut off',
    hint: 'expected after a power cut: only readings that were never confirmed as stored are lost',
  },
  BUFFER_CORRUPT_SEGMENT: {
    kind: 'invalid_input',
    message: 'buffer segment {file} is damaged at byte {offset}; {lost} reading(s) after it were dropped',
    hint: 'check the storage medium (dmesg, SMART); the rest of the buffer is intact and is still sent',
  },
  BUFFER_STATE_INVALID: {
    kind: 'fatal',
    message: 'buffer state file {file} is unreadable: {reason}',
    hint: 'restore it from a backup, or delete it: every buffered reading is then sent again (the cloud drops duplicates)',
  },
  BUFFER_READING_INVALID: {
    kind: 'invalid_input',
    message: 'a reading for device {device} is not valid and was not buffered: {reason}',
    hint: 'a bug in the device profile or normaliser; the frame is counted as a sink error, other readings go on',
  },
  BUFFER_CLOSED: {
    kind: 'fatal',
    message: 'the buffer is closed',
    hint: 'this is a bug in the caller: open the buffer before appending and stop sources before closing it',
  },
  CLOUD_UNAVAILABLE: {
    kind: 'retryable',
    message: 'cloud broker {url} is unreachable: {reason}',
    hint: 'check the network, the URL and that the cloud is running; readings are kept in the buffer meanwhile',
  },
  CLOUD_AUTH: {
    kind: 'auth',
    message: 'cloud broker {url} refused gateway {gateway}: {reason}',
    hint: 'check cloud.username / cloud.password (or password_file) against the gateway registered in the cloud',
  },
  ACK_INVALID: {
    kind: 'invalid_input',
    message: 'an ack on {topic} is not valid: {reason}',
    hint: 'the cloud and agent disagree on the wire contract: update one of them; the batch is resent until a valid ack arrives',
  },
  READING_REJECTED: {
    kind: 'invalid_input',
    message: 'the cloud rejected reading {device}/{seq}: {code} {reason}',
    hint: 'the reading can never be accepted and is dropped from the buffer; check the device registration and profile',
  },
  BATCH_REFUSED: {
    kind: 'invalid_input',
    message: 'the cloud refused batch {batch} ({count} readings): {code} {reason}',
    hint: 'the batch can never be accepted and is dropped from the buffer; check the agent and cloud versions',
  },
  STATUS_MISSING: {
    kind: 'retryable',
    message: 'no status file at {file}: the agent has not run with this state_dir',
    hint: 'start it with `zenne-agent run --config {config}` (or check the service: systemctl status zenne-agent)',
  },
  STATUS_INVALID: {
    kind: 'invalid_input',
    message: 'status file {file} is unreadable: {reason}',
    hint: 'the agent rewrites it every 2 s while running; if it stays broken, stop the agent and delete the file',
  },
  CLI_USAGE: {
    kind: 'invalid_input',
    message: '{reason}',
    hint: 'run `zenne-agent --help` for the commands and `zenne-agent <command> --help` for their options',
  },
});
