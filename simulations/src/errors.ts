import { defineErrors } from '@zenne/device-profiles';

/**
 * Error catalogue of the simulations package (area `SIM`); documented in
 * docs/errors/simulations.md.
 */
export const simErrors = defineErrors('SIM', {
  REPLAY_DATA_MISSING: {
    kind: 'fatal',
    message: 'no Sensor.Community SDS011 file (*sds011*.csv) with readings in {dir}',
    hint: 'restore simulations/data/sensor-community-5331/ from the repository (git checkout -- simulations/data)',
  },
  REPLAY_ROW_INVALID: {
    kind: 'invalid_input',
    message: '{file} line {line}: {reason}',
    hint: 'the row is skipped; the file should be the unchanged Sensor.Community archive CSV',
  },
  CAPTURE_INVALID: {
    kind: 'fatal',
    message: 'Plantower capture {file} is unusable: {reason}',
    hint: 'restore simulations/data/pypms-captures/ from the repository',
  },
  FLEET_INVALID: {
    kind: 'fatal',
    message: 'fleet file {file} is invalid: {reason}',
    hint: 'regenerate it with `node --import tsx simulations/scripts/place-fleet.ts` or fix the named field',
  },
  STREET_NOT_FOUND: {
    kind: 'fatal',
    message: 'street "{street}" has no centre line in {file}',
    hint: 'use a STRNAMEFRE value present in that UrbIS street-axes file',
  },
  DEVICE_KIND_UNKNOWN: {
    kind: 'invalid_input',
    message: 'unknown virtual device kind "{kind}"',
    hint: 'use one of: {known}',
  },
  SOCAT_MISSING: {
    kind: 'fatal',
    message: 'socat is not installed; the virtual sensors need it to create their serial ports (ptys)',
    hint: 'install it: {command}',
  },
  SOCAT_INSTALL_FAILED: {
    kind: 'fatal',
    message: 'installing socat failed (exit code {code})',
    hint: 'run `{command}` yourself and read its output (no network? a held apt lock?)',
  },
  VIEWER_BUILD_FAILED: {
    kind: 'fatal',
    message: 'building the twin viewer failed (exit code {code}); its output is in {log}',
    hint: 'run `npm run build -w twin-viewer` to see the error, or run `npm install` first',
  },
  DATA_DIR_INVALID: {
    kind: 'fatal',
    message: '{file} in the demo data dir is unreadable or malformed: {reason}',
    hint: 'delete the demo data dir ({dir}) to start from scratch (history and secrets are recreated)',
  },
  CHILD_START_FAILED: {
    kind: 'fatal',
    message: '{name} exited before it was ready (exit code {code}): {reason}',
    hint: 'act on that message (a port in use: pass --http-port / --mqtt-port); the whole log is {log}',
  },
  CHILD_NOT_READY: {
    kind: 'fatal',
    message: '{name} did not report ready within {seconds} s; its log is {log}',
    hint: 'read the log; the machine may be overloaded',
  },
  CHILD_EXITED: {
    kind: 'retryable',
    message: '{name} exited unexpectedly (exit code {code}, signal {signal}); its log is {log}',
    hint: 'read the log, then restart the demo (npm start)',
  },
  HISTORY_SEED_REFUSED: {
    kind: 'fatal',
    message: 'the cloud refused history batch {batch} of {gateway}: {reason}',
    hint: 'the fleet and the cloud registry disagree; delete the demo data dir and start again',
  },
  HISTORY_SEED_TIMEOUT: {
    kind: 'retryable',
    message: 'no ack for history batch {batch} of {gateway} within {seconds} s',
    hint: 'the cloud is overloaded or stopped; read its log in the demo logs folder',
  },
  MQTT_CONNECT_FAILED: {
    kind: 'retryable',
    message: 'cannot connect to the cloud broker {url} as {gateway}: {reason}',
    hint: 'is the cloud running and is the gateway secret in the data dir the one the cloud was seeded with?',
  },
});
