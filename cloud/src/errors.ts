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
  TLS_UNUSABLE: {
    kind: 'fatal',
    message: 'TLS listener: {file}: {reason}',
    hint: 'give --tls-cert and --tls-key as PEM files readable by the cloud user, or neither to use the development certificate in DATA_DIR/tls (delete that folder to make a new one)',
  },
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
  EXTERNAL_UNREACHABLE: {
    kind: 'retryable',
    message: 'external MQTT broker {url} is unreachable: {reason}',
    hint: 'start the broker or fix --broker; the ingest worker keeps reconnecting and logs "external broker recovered" once it is back',
  },
  EXTERNAL_LOGIN_REFUSED: {
    kind: 'auth',
    message: 'external MQTT broker {url} refused the login of "{username}": {reason}',
    hint: 'the broker password file must hold this user (regenerate it with `zenne-cloud mosquitto-auth` and reload the broker); pass the matching --username and --password-file',
  },
  EXTERNAL_SUBSCRIBE_REFUSED: {
    kind: 'auth',
    message: 'external MQTT broker refused the subscription to {filter}',
    hint: 'the broker ACL must let the ingest user read zenne/v1/gw/+/... (the acl file of `zenne-cloud mosquitto-auth` does); a shared subscription needs MQTT 5 or a broker with $share support for 3.1.1 (Mosquitto 2, EMQX)',
  },
  MOSQUITTO_NO_SECRET: {
    kind: 'invalid_input',
    message: 'gateway {gateway} in {file} has only a secret_hash; its Mosquitto password cannot be derived from a scrypt hash',
    hint: 'add it to the password file yourself: `mosquitto_passwd -b {passwordFile} {gateway} <its secret>`',
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
  ROW_INVALID: {
    kind: 'invalid_input',
    message: '{where}, field {field}: {reason}',
    hint: 'fix that row and upload again; good rows were applied, and uploading them again changes nothing',
  },
  UPLOAD_UNREADABLE: {
    kind: 'invalid_input',
    message: 'cannot read the {format} upload: {reason}',
    hint: 'the formats (CSV columns, GeoJSON properties) are described in cloud/README.md, "Registry API"',
  },
  UPLOAD_TOO_LARGE: {
    kind: 'invalid_input',
    message: 'the upload holds {rows} rows; at most {limit} are taken in one call',
    hint: 'split the file and upload the parts one after the other',
  },
  NOT_FOUND: {
    kind: 'invalid_input',
    message: 'no {kind} with id "{id}"',
    hint: 'list them with GET /api/v1/{path}',
  },
  ALREADY_EXISTS: {
    kind: 'invalid_input',
    message: 'a {kind} with id "{id}" already exists',
    hint: 'pick another id, or rotate the existing gateway\'s secret with POST /api/v1/gateways/{id}/rotate',
  },
  IFC_INVALID: {
    kind: 'invalid_input',
    message: 'the IFC model is unusable: {reason}',
    hint: 'upload the IFC (STEP, ISO 10303-21) file of the building as exported by the BIM tool; rooms come from its IfcSpace entities',
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

/** The InfluxDB-compatible reading store (cloud/src/stores/influxdb/README.md). */
export const influxErrors = defineErrors('INFLUX', {
  CONFIG_INVALID: {
    kind: 'invalid_input',
    message: 'InfluxDB store config {file}: {reason}',
    hint: 'fix that setting; the format is described in cloud/src/stores/influxdb/README.md',
  },
  UNREACHABLE: {
    kind: 'fatal',
    message: 'cannot open the InfluxDB store at {url}: {reason}',
    hint: 'start the server, check the url, token and database/bucket in the store config (create_database: true lets InfluxDB 1.x create it)',
  },
  QUERY_FAILED: {
    kind: 'retryable',
    message: 'InfluxDB store query failed: {reason}',
    hint: 'check that the server is up and that the token may read the database; the caller may retry',
  },
});

/** Downstream commands (cloud/src/commands): refusals of a submission, and per-device outcomes decided by the cloud. */
export const commandErrors = defineErrors('COMMAND', {
  NO_DEVICES: {
    kind: 'invalid_input',
    message: 'the command target matches no registered device: {target}',
    hint: 'check the device ids or the tags (GET /api/v1/devices lists devices with their tags)',
  },
  UNKNOWN_DEVICE: {
    kind: 'invalid_input',
    message: 'device {device} is not registered',
    hint: 'register the device first, or fix its id',
  },
  UNSUPPORTED: {
    kind: 'invalid_input',
    message: 'device {device} (profile {profile}) cannot {action}: {reason}',
    hint: 'send a device only the commands its profile lists (`modbus.commands`); it was not sent to the gateway',
  },
  GATEWAY_OFFLINE: {
    kind: 'retryable',
    message: 'gateway {gateway} of device {device} is offline (last status {since}); the command was not sent',
    hint: 'bring the gateway back online (power, network; `zenne-agent status` on it), then send the command again',
  },
  TIMEOUT: {
    kind: 'retryable',
    message: 'no result from gateway {gateway} for device {device} before the command expired at {expires_at}',
    hint: 'the gateway may be offline or its link slow; check its status (GET /api/v1/stats) and send again, or give a longer timeout_s',
  },
  NOT_FOUND: {
    kind: 'invalid_input',
    message: 'command {id} is not known (the cloud keeps the last {kept} commands since it started)',
    hint: 'use the id returned by POST /api/v1/commands',
  },
  INVALID_RESULT: {
    kind: 'invalid_input',
    message: 'command result from gateway {gateway} refused: {reason}',
    hint: 'the gateway answered for a command or device it was not sent; check that cloud and agent versions match',
  },
});

/** Open data (NGSI-LD and the DCAT-AP catalogue); HTTP status in parentheses. */
export const openDataErrors = defineErrors('OPENDATA', {
  ENTITY_NOT_FOUND: {
    kind: 'invalid_input',
    message: 'no published entity with id "{id}"',
    hint: 'list the published entities with GET /ngsi-ld/v1/entities?type=<type> and use their `id` (404)',
  },
  BAD_QUERY: {
    kind: 'invalid_input',
    message: '{parameter}: {reason}',
    hint: 'see ETSI GS CIM 009 §4.10 (geo-queries) and §4.11 (temporal queries), or /api/v1/docs (400)',
  },
  DATASET_NOT_FOUND: {
    kind: 'invalid_input',
    message: 'no published dataset "{type}" (no device of this entity type is published)',
    hint: 'list the datasets with GET /api/v1/catalogue (404)',
  },
  NOT_ACCEPTABLE: {
    kind: 'invalid_input',
    message: 'cannot answer in {accept}; the NGSI-LD API answers application/json or application/ld+json',
    hint: 'send `Accept: application/ld+json` (the @context in the body) or `Accept: application/json` (the @context in the Link header) (406)',
  },
  KEY_FILE_UNUSABLE: {
    kind: 'fatal',
    message: 'open-data pseudonym key {file} cannot be used: {reason}',
    hint: 'the file must hold 64 hex characters and be readable; delete it to have a new key made (published people-counter ids then change)',
  },
});

/** Alerts (cloud/src/alerts): rules, lifecycle, persistence and webhook delivery; HTTP status in the docs. */
export const alertErrors = defineErrors('ALERT', {
  RULE_NOT_FOUND: {
    kind: 'invalid_input',
    message: 'no alert rule with id "{id}"',
    hint: 'list the rules with GET /api/v1/alerts/rules',
  },
  RULE_EXISTS: {
    kind: 'invalid_input',
    message: 'an alert rule with id "{id}" already exists',
    hint: 'pick another id, or replace the rule with PUT /api/v1/alerts/rules/{id}',
  },
  RULE_ID_MISMATCH: {
    kind: 'invalid_input',
    message: 'the rule body says id "{body}" but the URL says "{id}"',
    hint: 'a rule keeps its id; to rename, create the new rule and delete the old one',
  },
  SCOPE_UNKNOWN: {
    kind: 'invalid_input',
    message: 'the rule scope names {what} "{id}", which is not registered',
    hint: 'check the id against GET /api/v1/devices (devices, their buildings and tags) or GET /api/v1/buildings',
  },
  ALERT_NOT_FOUND: {
    kind: 'invalid_input',
    message: 'no alert with id "{id}"',
    hint: 'list alerts with GET /api/v1/alerts',
  },
  ALREADY_RESOLVED: {
    kind: 'invalid_input',
    message: 'alert {id} was resolved at {resolved_at}; there is nothing left to acknowledge',
    hint: 'its history stays readable at GET /api/v1/alerts/{id}',
  },
  OPEN_FAILED: {
    kind: 'fatal',
    message: 'cannot open the alerts database {file}: {reason}',
    hint: 'another zenne-cloud may be using the same --data-dir; stop it or pick another directory',
  },
  WRITE_FAILED: {
    kind: 'retryable',
    message: 'recording alert data failed: {reason}',
    hint: 'check disk space in the data directory; the change is kept in memory until the cloud stops',
  },
  WEBHOOK_FAILED: {
    kind: 'retryable',
    message: 'webhook {url} failed (attempt {attempt}): {reason}',
    hint: 'make the receiver answer 2xx to POST application/json; deliveries are retried with backoff and counted in GET /api/v1/stats (alerts.webhooks)',
  },
});

/** Per-gateway loss accounting kept in `<dataDir>/accounting.json`. */
export const accountingErrors = defineErrors('ACCOUNTING', {
  FILE_UNREADABLE: {
    kind: 'invalid_input',
    message: 'accounting file {file} is unreadable ({reason}); set aside as {aside}, counting starts again from zero',
    hint: 'nothing to do for ingest; the per-gateway totals of GET /api/v1/gateways/{id}/accounting restart, the old file stays for inspection',
  },
  WRITE_FAILED: {
    kind: 'retryable',
    message: 'writing the accounting file {file} failed: {reason}',
    hint: 'check disk space and permissions of the data directory; totals stay in memory and are written once it works',
  },
});

/** Public live feeds: the anonymous MQTT readers and the retained public topics. */
export const feedErrors = defineErrors('FEED', {
  ANONYMOUS_CLIENT_ID_TAKEN: {
    kind: 'auth',
    message: 'anonymous MQTT client refused: client id "{clientId}" belongs to a gateway',
    hint: 'anonymous readers must use their own client id (leave it empty or random); a gateway logs in with its id and secret',
  },
  ANONYMOUS_SESSION_REFUSED: {
    kind: 'auth',
    message: 'anonymous MQTT client "{clientId}" refused: it asked for a persistent session (clean session 0)',
    hint: 'connect anonymous readers with a clean session (mosquitto_sub without -c, mqtt.js clean: true); retained values give the last value on every subscribe',
  },
  ANONYMOUS_PUBLISH_DENIED: {
    kind: 'auth',
    message: 'anonymous MQTT client {client} may not publish (topic {topic}); connection closed',
    hint: 'the public feed is read-only; gateways publish after logging in with their id and secret',
  },
  ANONYMOUS_SUBSCRIBE_DENIED: {
    kind: 'auth',
    message: 'anonymous MQTT client {client} may not subscribe to {topic}',
    hint: 'anonymous clients may only subscribe under zenne/v1/public/ (e.g. zenne/v1/public/# or zenne/v1/public/pm2_5/+)',
  },
  PUBLIC_PUBLISH_FAILED: {
    kind: 'retryable',
    message: 'publishing {topic} on the public MQTT feed failed: {reason}',
    hint: 'check the broker; the reading is stored and served by the HTTP API, and the next reading of that device and quantity replaces the retained value',
  },
});
