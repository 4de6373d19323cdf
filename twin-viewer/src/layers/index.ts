import { AirQualityLayer } from './air-quality/air-quality-layer.ts';
import type { Layer } from './layer.ts';
import { StreetLightingLayer } from './street-lighting/street-lighting-layer.ts';

/** Every layer the viewer starts, in drawing and legend order. Add a layer here. */
export function createLayers(): Layer[] {
  return [new AirQualityLayer(), new StreetLightingLayer()];
}
