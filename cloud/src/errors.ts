import { defineErrors } from '@zenne/device-profiles';

/** Process-level failures of `zenne-cloud` (start-up, flags). Documented in docs/errors/cloud.md. */
export const cloudErrors = defineErrors('CLOUD', {
  BAD_FLAG: {
    kind: 'invalid_input',
    message: '{problem}',
    hint: 'run `zenne-cloud {command} --help` for the accepted flags and examples',
  },
  DATA_DIR_UNUSABLE: {
    kind: 'fatal',
    message: 'data directory {dir} cannot be used: {reason}',
    hint: 'create the directory or pass a writable one with --data-dir',
  },
  LISTEN_FAILED: {
    kind: 'fatal',
    message: 'cannot listen for {what} on {host}:{port}: {reason}',
    hint: 'another process holds the port; pick a free one or pass 0 to let the system choose',
  },
});

/** Refusals by the embedded MQTT broker; each is counted in `/api/v1/stats` under `broker`. */
export const brokerErrors = defineErrors('BROKER', {
  AUTH_FAILED: {
    kind: 'auth',
    message: 'MQTT login refused for username "{username}": {reason}',
    hint: 'the username must be a registered gateway id and the password its secret; re-seed the gateway or fix the agent config',
  },
  PUBLISH_DENIED: {
    kind: 'auth',
    message: 'gateway {gateway} may not publish on {topic}',
    hint: 'a gateway publishes only on zenne/v1/gw/<its id>/(readings|status|events|config/reported); check the agent gateway id',
  },
  SUBSCRIBE_DENIED: {
    kind: 'auth',
    message: 'gateway {gateway} may not subscribe to {topic}',
    hint: 'a gateway subscribes only to zenne/v1/gw/<its id>/ack and .../config/desired',
  },
  PACKET_TOO_LARGE: {
    kind: 'invalid_input',
    message: 'MQTT packet of {bytes} bytes from {remote} exceeds the {limit}-byte limit; connection closed',
    hint: 'split uplink batches (at most 1000 readings, 512 KiB per batch)',
  },
});

/** Why ingest rejects a message or a reading; the short reason names are the counter keys. */
export const ingestErrors = defineErrors('INGEST', {
  INVALID_JSON: {
    kind: 'invalid_input',
    message: 'readings payload on {topic} is not JSON: {reason}',
    hint: 'the agent must publish one UplinkBatch JSON document per message',
  },
  INVALID_ENVELOPE: {
    kind: 'invalid_input',
    message: 'uplink batch envelope is invalid: {reason}',
    hint: 'compare the batch with uplinkBatchSchema (device-profiles/src/contracts/wire.ts)',
  },
  OVERSIZED_BATCH: {
    kind: 'invalid_input',
    message: 'uplink batch of {bytes} bytes exceeds {limit} bytes',
    hint: 'lower uplink.batch_max_readings in the agent config',
  },
  GATEWAY_MISMATCH: {
    kind: 'invalid_input',
    message: 'batch says gateway "{claimed}" but was published on the topic of gateway "{gateway}"',
    hint: 'the agent config gateway.id must equal its MQTT username',
  },
  INVALID_READING: {
    kind: 'invalid_input',
    message: 'reading {index} is invalid: {reason}',
    hint: 'compare the reading with readingSchema (device-profiles/src/contracts/reading.ts)',
  },
  UNKNOWN_DEVICE: {
    kind: 'invalid_input',
    message: 'device "{device}" is not registered',
    hint: 'add the device to the seed file and run `zenne-cloud seed`',
  },
  DEVICE_NOT_OWNED: {
    kind: 'invalid_input',
    message: 'device "{device}" belongs to gateway "{owner}", not "{gateway}"',
    hint: 'move the sensor to its registered gateway or fix the `gateway` of the device in the seed file',
  },
  STORE_FAILED: {
    kind: 'retryable',
    message: 'storing {readings} readings failed: {reason}',
    hint: 'no ack was sent, so gateways resend; check disk space and the data directory',
  },
});

export const registryErrors = defineErrors('REGISTRY', {
  SEED_UNREADABLE: {
    kind: 'invalid_input',
    message: 'cannot read seed file {file}: {reason}',
    hint: 'check the path and that the file is YAML',
  },
  SEED_INVALID: {
    kind: 'invalid_input',
    message: 'seed file {file}: {where}: {reason}',
    hint: 'fix that row; the format is described in cloud/README.md ("Seed file")',
  },
  OPEN_FAILED: {
    kind: 'fatal',
    message: 'cannot open the registry database {file}: {reason}',
    hint: 'a running zenne-cloud holds it open: stop it, or pass --seed to `zenne-cloud run` instead',
  },
  WRITE_FAILED: {
    kind: 'retryable',
    message: 'registry update failed: {reason}',
    hint: 'nothing was changed; check disk space and retry',
  },
});

export const storeErrors = defineErrors('STORE', {
  OPEN_FAILED: {
    kind: 'fatal',
    message: 'cannot open the reading store {file}: {reason}',
    hint: 'another zenne-cloud may be using the same --data-dir; stop it or pick another directory',
  },
  WRITE_FAILED: {
    kind: 'retryable',
    message: 'writing {readings} readings failed: {reason}',
    hint: 'nothing of this write was kept; the caller retries',
  },
  CLOSED: {
    kind: 'fatal',
    message: 'the reading store is closed',
    hint: 'a write or query arrived after stop(); this is a shutdown-ordering bug',
  },
});

export const apiErrors = defineErrors('API', {
  BAD_REQUEST: {
    kind: 'invalid_input',
    message: '{parameter}: {reason}',
    hint: 'see /api/v1/docs for the accepted parameters',
  },
  DEVICE_NOT_FOUND: {
    kind: 'invalid_input',
    message: 'no device with id "{device}"',
    hint: 'list the devices with GET /api/v1/devices',
  },
  ROUTE_NOT_FOUND: {
    kind: 'invalid_input',
    message: 'no route {method} {url}',
    hint: 'see /api/v1/docs for the routes',
  },
  INTERNAL: {
    kind: 'retryable',
    message: 'the server failed to answer: {reason}',
    hint: 'retry; if it persists, read the cloud log',
  },
});

/** Technician provisioning: claim codes and their redemption; HTTP status in parentheses. */
export const provisioningErrors = defineErrors('PROVISIONING', {
  CLAIM_MALFORMED: {
    kind: 'invalid_input',
    message: 'claim code "{code}" is not 16 characters from {alphabet} (dashes and spaces are ignored)',
    hint: 'retype the code exactly as printed by `zenne-cloud claim`; it has 4 groups of 4 characters, e.g. K7QM-2XPD-9HTA-WE4C',
  },
  CLAIM_UNKNOWN: {
    kind: 'auth',
    message: 'claim code {code} is not known to this cloud',
    hint: 'check the code and that --cloud points at the cloud that issued it; otherwise ask the operator for a new code (`zenne-cloud claim`)',
  },
  CLAIM_USED: {
    kind: 'auth',
    message: 'claim code {code} was already redeemed at {used_at}',
    hint: 'a claim code works once; ask the operator for a new code (`zenne-cloud claim --gateway {gateway}`)',
  },
  CLAIM_EXPIRED: {
    kind: 'auth',
    message: 'claim code {code} expired at {expires_at}',
    hint: 'ask the operator for a new code (`zenne-cloud claim --gateway {gateway}`)',
  },
  GATEWAY_UNKNOWN: {
    kind: 'invalid_input',
    message: 'gateway "{gateway}" is not registered',
    hint: 'add the gateway to the seed file and apply it (`zenne-cloud seed` or `run --seed`) before creating a claim code',
  },
  ADMIN_DENIED: {
    kind: 'auth',
    message: 'admin request refused: {reason}',
    hint: 'create claim codes with `zenne-cloud claim --data-dir DIR` on the cloud host, as the user that runs the cloud',
  },
  ADMIN_UNAVAILABLE: {
    kind: 'fatal',
    message: 'cannot reach the running cloud of data directory {dir}: {reason}',
    hint: 'start the cloud with `zenne-cloud run --data-dir {dir}` first; `claim` talks to it over loopback HTTP',
  },
});
