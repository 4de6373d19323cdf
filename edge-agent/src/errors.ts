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
  CLOUD_CERTIFICATE: {
    kind: 'auth',
    message: 'cloud broker {url}: its TLS certificate is not trusted ({reason})',
    hint: 'set cloud.ca_file to the CA that signed the broker certificate (the cloud\'s development CA is DATA_DIR/tls/ca.pem on the cloud host) and use the host name the certificate was made for in mqtt_url',
  },
  CLOUD_CERTIFICATE_TIME: {
    kind: 'auth',
    message: 'cloud broker {url}: its TLS certificate is not valid at this gateway\'s time {now} ({reason})',
    hint: 'if the certificate is fine, this gateway\'s clock is wrong: enable NTP (`timedatectl set-ntp true`) and check `date`; otherwise renew the broker certificate',
  },
  CA_FILE_UNREADABLE: {
    kind: 'fatal',
    message: 'cloud.ca_file {file} cannot be used: {reason}',
    hint: 'copy the CA certificate (PEM, "-----BEGIN CERTIFICATE-----") that signed the broker certificate to the gateway and point cloud.ca_file at it',
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
  BUFFER_FULL: {
    kind: 'retryable',
    message: 'buffer {dir} reached its limit of {max_bytes} bytes; the oldest unsent readings are dropped (policy {policy})',
    hint: 'the cloud has been unreachable for long: restore the link; to keep a longer outage, raise buffer.max_bytes (free disk permitting)',
  },
  BUFFER_DISK_FULL: {
    kind: 'retryable',
    message: 'the disk holding buffer {dir} is full; {count} reading(s) were not buffered and are lost',
    hint: 'free space on that file system (df -h {dir}) or lower buffer.max_bytes below the free space; the agent resumes by itself',
  },
  OPCUA_UNAVAILABLE: {
    kind: 'retryable',
    message: 'OPC UA server {endpoint} of source {source} is unreachable: {reason}',
    hint: 'check the network to the server, the host and port in `endpoint` (4840 is the usual port) and that the server runs; the agent reconnects on its own and restores every monitored item',
  },
  OPCUA_SESSION_FAILED: {
    kind: 'auth',
    message: 'OPC UA server {endpoint} refused a session for source {source}: {reason}',
    hint: 'check username/password, security_mode and security_policy against the server endpoints (`zenne-agent scan` lists them); with Sign/SignAndEncrypt, trust the agent certificate on the server (move it out of its rejected folder) and the server certificate in pki_dir/trusted/certs; check the gateway clock; the agent retries',
  },
  OPCUA_ITEM_REJECTED: {
    kind: 'invalid_input',
    message: 'OPC UA server {endpoint} refused monitored item {node_id} ({device}/{quantity}) of source {source}: {status}',
    hint: 'BadNodeIdUnknown means a wrong node id or namespace index: browse the server (`zenne-agent scan`, UaExpert) and fix items[].node_id; BadUserAccessDenied means the user may not read it; the other items keep running',
  },
  OPCUA_VALUE_NOT_NUMERIC: {
    kind: 'invalid_input',
    message: 'OPC UA node {node_id} ({device}/{quantity}) of source {source} gave a {type} value, not a number; it is counted and skipped',
    hint: 'point items[].node_id at the numeric value variable (for BACnet objects, Present_Value), not at the object or a text property',
  },
  MQTT_BROKER_UNAVAILABLE: {
    kind: 'retryable',
    message: 'local MQTT broker {url} of source {source} is unreachable: {reason}',
    hint: 'check that the broker runs on the gateway LAN (systemctl status mosquitto), the `url`, and `username`/`password`; the source reconnects by itself and, with its persistent session, the broker keeps QoS 1 messages meanwhile',
  },
  MQTT_PAYLOAD_INVALID: {
    kind: 'invalid_input',
    message: 'message on {topic} for source {source} was not used ({kind}): {reason}',
    hint: 'compare a real message (mosquitto_sub -v -t "{topic}") with the `payload` section of profile {profile}; other messages go on',
  },
  MQTT_PROFILE_UNUSABLE: {
    kind: 'fatal',
    message: 'profile {profile} cannot be used by {kind} source {source}: {reason}',
    hint: 'choose a profile whose transport is {kind} and whose `payload` section says how messages are decoded (zenne-agent validate lists the problems)',
  },
  LORAWAN_UPLINK_INVALID: {
    kind: 'invalid_input',
    message: 'uplink on {topic} for source {source} was not used ({kind}): {reason}',
    hint: 'check that `network_server` matches the server (tts_v3 or chirpstack_v4, JSON encoding), that dev_eui/device_id in `devices` match the server registration, and that the device is the model of its profile',
  },
  MODBUS_BUS_UNAVAILABLE: {
    kind: 'retryable',
    message: 'Modbus bus {address} of source {source} is unavailable: {reason}',
    hint: 'RTU: check the USB/RS-485 adapter and that the port exists (ls /dev/serial/by-id/); TCP: check that {address} is reachable and the meter or gateway is powered; the agent retries on its own',
  },
  MODBUS_NO_ANSWER: {
    kind: 'retryable',
    message: 'no answer from unit {unit} ({device}) on {address} after {attempts} attempt(s) of {timeout_ms} ms',
    hint: 'check the unit address set on the device, the A/B wiring and that baud rate and parity match the device ({baud}); it is now retried on a slower schedule and the other devices keep polling',
  },
  MODBUS_CRC_ERROR: {
    kind: 'invalid_input',
    message: 'answer from unit {unit} ({device}) on {address} failed the CRC check',
    hint: 'checksum errors point to wiring or noise: twisted pair for A/B, 120 ohm termination at both ends, shield/common ground, cable away from power lines; or two devices set to address {unit}',
  },
  MODBUS_EXCEPTION: {
    kind: 'invalid_input',
    message: 'unit {unit} ({device}) answered exception {code} ({name}) to function {function} at register {register}',
    hint: 'the register map does not fit the device: compare profile {profile} (function input/holding, addresses, max_block) with the device manual',
  },
  MODBUS_BAD_FRAME: {
    kind: 'invalid_input',
    message: 'malformed answer from unit {unit} ({device}) on {address}: {detail}',
    hint: 'another master or two devices with address {unit} may share the bus; check the bus topology and the unit addresses',
  },
  MODBUS_PROFILE_UNUSABLE: {
    kind: 'fatal',
    message: 'profile {profile} cannot be used for device {device} of Modbus source {source}: {reason}',
    hint: 'choose a profile with a `modbus` register map whose registers cover its channels (and the `phase` set for this device)',
  },
  OPCUA_NODE_FIELD_UNKNOWN: {
    kind: 'invalid_input',
    message: 'device {device} of source {source} maps field {field} to a node, but profile {profile} has no channel with that field',
    hint: 'use the fields of profile {profile} as keys of `nodes`: {fields}',
  },
  SCAN_OPCUA_FAILED: {
    kind: 'retryable',
    message: 'could not browse OPC UA endpoint {endpoint}: {reason}',
    hint: 'check the URL (opc.tcp://host:4840), that the server runs and the port is open; if the server rejected the certificate, trust the client certificate on the server (its "rejected" folder) or allow security None for browsing',
  },
  SCAN_MODBUS_UNREACHABLE: {
    kind: 'retryable',
    message: 'could not open Modbus bus {address}: {reason}',
    hint: 'TCP: check host and port (502 by default) and that the meter or gateway is powered and reachable (ping); RTU: check the adapter and the port path (ls /dev/serial/by-id/)',
  },
  TEST_DEVICE_UNKNOWN: {
    kind: 'invalid_input',
    message: 'device {device} is not read by any source of {config}',
    hint: 'use a device id from the config: {known}',
  },
  TEST_CLOUD_UNREACHABLE: {
    kind: 'retryable',
    message: 'cloud API {url} did not answer: {reason}',
    hint: 'check --cloud-api (e.g. https://zenne.example/ or http://127.0.0.1:8080) and the network; the readings shown above were decoded locally',
  },
  SPARKPLUG_NCMD_INVALID: {
    kind: 'invalid_input',
    message: 'Sparkplug NCMD on {topic} is not a Sparkplug B payload: {reason}',
    hint: 'the host application must send NCMD as a Sparkplug B protobuf payload (Sparkplug 3.0 §6.4); the command was ignored',
  },
  PROVISION_CLOUD_UNREACHABLE: {
    kind: 'retryable',
    message: 'cannot reach the Zenne cloud at {url}: {reason}',
    hint: 'check the --cloud URL (http://HOST:PORT of the cloud HTTP API, the one serving /api/v1/docs), the network and any firewall between this gateway and the cloud; the claim code was not used',
  },
  PROVISION_BAD_ANSWER: {
    kind: 'fatal',
    message: 'the server at {url} did not answer like a Zenne cloud: {reason}',
    hint: 'check that --cloud points at the Zenne cloud HTTP API, not at its MQTT port or a proxy page',
  },
  PROVISION_CLOCK_SKEW: {
    kind: 'fatal',
    message: "this gateway's clock is {skew_s} s off the cloud's (cloud: {cloud_date}, here: {local_date})",
    hint: 'readings carry this clock: set it right (enable NTP, e.g. `timedatectl set-ntp true`) and run provision again; the claim code was not used',
  },
  PROVISION_CLAIM_REFUSED: {
    kind: 'auth',
    message: 'the cloud refused the claim code: {reason}',
    hint: 'ask the operator for a new claim code (`zenne-cloud claim --gateway GATEWAY`); a code works once and expires',
  },
  PROVISION_WRITE_FAILED: {
    kind: 'fatal',
    message: 'cannot write {file}: {reason}',
    hint: 'run provision as the user that runs the agent, with --config in a writable folder; if the code was already redeemed, ask for a new one',
  },
  REMOTE_CONFIG_BAD_MESSAGE: {
    kind: 'invalid_input',
    message: 'desired config on {topic} is not a valid message: {reason}',
    hint: 'publish JSON { v: 1, version: <integer above the running one>, config: { ...the agent config file as an object } }; the running config stays',
  },
  REMOTE_CONFIG_IDENTITY_CHANGED: {
    kind: 'invalid_input',
    message: 'desired config version {version} changes {keys}, which cannot change remotely',
    hint: 'keep gateway, cloud, state_dir, buffer, uplink and sparkplug as in the running config (edit the file on the gateway and restart for those); the running config stays',
  },
  REMOTE_CONFIG_WRITE_FAILED: {
    kind: 'fatal',
    message: 'cannot write the desired config to {file}: {reason}',
    hint: 'check that the agent user can write the config file and its folder (disk full, read-only mount); the running config stays',
  },
  COMMAND_BAD_MESSAGE: {
    kind: 'invalid_input',
    message: 'command on {topic} is not a valid message: {reason}',
    hint: 'the cloud sends { v: 1, id, devices: [...], command: { action: dim|switch|schedule, ... }, issued_at, expires_at }; check the cloud and agent versions match',
  },
  COMMAND_EXPIRED: {
    kind: 'invalid_input',
    message: 'command {id} for {device} arrived after it expired at {expires_at}; not carried out',
    hint: 'the gateway was offline or the link slow when it was sent; send the command again (check the gateway clock if this happens while it is online: `timedatectl`)',
  },
  COMMAND_UNKNOWN_DEVICE: {
    kind: 'invalid_input',
    message: 'command {id}: device {device} is not read by any source of gateway {gateway}',
    hint: 'the cloud registry and the gateway config disagree: add the device to a source of this gateway or move it to its gateway in the registry',
  },
  COMMAND_UNSUPPORTED: {
    kind: 'invalid_input',
    message: 'command {id}: device {device} cannot {action}: {reason}',
    hint: 'send only the commands the device profile lists (profile `modbus.commands`); a schedule may have at most as many steps as the device holds',
  },
  COMMAND_NO_ANSWER: {
    kind: 'retryable',
    message: 'command {id}: no answer from {device} (unit {unit} on {address}) before the deadline',
    hint: 'the device or its bus is down (see `zenne-agent status`): check power and wiring of the controller, then send the command again',
  },
  COMMAND_REFUSED: {
    kind: 'invalid_input',
    message: 'command {id}: {device} refused the write to register {register} with exception {code} ({name})',
    hint: 'the controller rejected the value or the register: compare profile {profile} (`modbus.commands`) with the controller manual',
  },
  COMMAND_NOT_APPLIED: {
    kind: 'invalid_input',
    message: 'command {id}: {device} acknowledged the write but reads back {got} instead of {expected} at register {register}',
    hint: 'the controller clamps or overrides the value (local schedule, manual override, another master on the bus); check its local settings',
  },
  COMMAND_ABORTED: {
    kind: 'retryable',
    message: 'command {id} for {device} was not finished: {reason}',
    hint: 'the source stopped (agent stopping or a new config applied) or its bus was lost; send the command again once the gateway reports the source running',
  },
});
