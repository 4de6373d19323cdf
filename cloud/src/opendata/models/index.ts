import type { DeviceProfile } from '@zenne/device-profiles';
import type { Device } from '../../registry/registry.ts';
import { acMeasurement, threePhaseAcMeasurement } from './ac-measurement.ts';
import { airQualityObserved } from './air-quality-observed.ts';
import { crowdFlowObserved } from './crowd-flow-observed.ts';
import { indoorEnvironmentObserved } from './indoor-environment-observed.ts';
import type { EntityModel } from './model.ts';
import { streetlight } from './streetlight.ts';

/**
 * The published models, in matching order: the first that matches a device
 * publishes it. People counters come before every model that could show
 * their data unaggregated; indoor climate before air quality so a room
 * sensor is not published as outdoor air.
 */
export const OPEN_DATA_MODELS: readonly EntityModel[] = [
  crowdFlowObserved,
  streetlight,
  threePhaseAcMeasurement,
  acMeasurement,
  indoorEnvironmentObserved,
  airQualityObserved,
];

/** The model that publishes `device`, if any. */
export function modelOf(device: Device, profile: DeviceProfile | undefined): EntityModel | undefined {
  return profile && OPEN_DATA_MODELS.find((m) => m.matches(device, profile));
}

export type { EntityModel, ModelSources, TimeWindow } from './model.ts';
