import type { LabelCollection, Viewer } from 'cesium';
import { cesium } from '../cesium.ts';
import { MONNAIE_OPERA, PLACE_DE_LA_MONNAIE } from './place-de-la-monnaie.ts';

/**
 * Names of the places the opening view frames, so a visitor can tell where they are. Positions
 * are UrbIS footprint centroids (place-de-la-monnaie.ts), heights just above the roofs.
 */
const LANDMARKS = [
  // The square's name reads leftwards and the opera's rightwards, so the two never overlap.
  { text: 'Place de la Monnaie', lon: PLACE_DE_LA_MONNAIE.lon, lat: PLACE_DE_LA_MONNAIE.lat, height: 2, align: 'right' },
  { text: 'La Monnaie / De Munt', lon: MONNAIE_OPERA.lon, lat: MONNAIE_OPERA.lat, height: 36, align: 'left' },
  // UrbIS building 1823663, 63 m.
  { text: 'Centre Monnaie', lon: 4.35274, lat: 50.85031, height: 68, align: 'center' },
] as const;

export function addLandmarkLabels(viewer: Viewer): LabelCollection {
  const C = cesium();
  const labels = viewer.scene.primitives.add(new C.LabelCollection()) as LabelCollection;
  for (const l of LANDMARKS) {
    labels.add({
      text: l.text,
      position: C.Cartesian3.fromDegrees(l.lon, l.lat, l.height),
      font: '600 14px system-ui, "DejaVu Sans", sans-serif',
      fillColor: C.Color.WHITE,
      outlineColor: C.Color.fromCssColorString('#1d232b'),
      outlineWidth: 3,
      style: C.LabelStyle.FILL_AND_OUTLINE,
      horizontalOrigin: { left: C.HorizontalOrigin.LEFT, right: C.HorizontalOrigin.RIGHT, center: C.HorizontalOrigin.CENTER }[l.align],
      verticalOrigin: C.VerticalOrigin.BOTTOM,
      disableDepthTestDistance: Number.POSITIVE_INFINITY,
    });
  }
  return labels;
}
