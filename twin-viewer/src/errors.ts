import { defineErrors } from '@zenne/device-profiles/contracts';

/** The viewer's error catalogue (docs/errors/twin-viewer.md). Shown in the status line. */
export const viewerErrors = defineErrors('VIEWER', {
  API_UNAVAILABLE: {
    kind: 'retryable',
    message: 'The cloud API did not answer {path} ({reason})',
    hint: 'Check that zenne-cloud is running and serves this page; the viewer retries on its own.',
  },
  API_INVALID: {
    kind: 'invalid_input',
    message: 'The cloud API answered {path} with data of an unexpected shape: {reason}',
    hint: 'The viewer and the cloud disagree on docs/architecture.md; deploy matching versions.',
  },
  BUILDINGS_UNAVAILABLE: {
    kind: 'fatal',
    message: 'The building file {path} could not be loaded ({reason})',
    hint: 'Rebuild the viewer with `npm run build -w twin-viewer`; it writes dist/data/buildings.json.',
  },
  LIVE_UNAVAILABLE: {
    kind: 'retryable',
    message: 'The live feed {path} is disconnected',
    hint: 'The browser reconnects by itself; if it persists, check the cloud and any proxy buffering Server-Sent Events.',
  },
});
