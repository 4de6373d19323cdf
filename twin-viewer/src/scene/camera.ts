import type { Viewer } from 'cesium';
import { cesium } from '../cesium.ts';
import { PLACE_DE_LA_MONNAIE } from './place-de-la-monnaie.ts';

/**
 * The opening view: an oblique look north over Place de la Monnaie from above the low roofs of
 * the Îlot Sacré, with Centre Monnaie closing the square behind, the opera on the right and the
 * Bourse blocks on the left. The UrbIS cells end at Lambert 72 E 149000, 90 m east of the
 * square, so the view looks along them rather than across that edge.
 */
export const MONNAIE_VIEW = { headingDeg: 348, pitchDeg: -40, rangeM: 430 } as const;

/** Where the view aims: 30 m south-west of the square's centre, keeping the view on the cells. */
const AIM = { lon: PLACE_DE_LA_MONNAIE.lon - 0.0002, lat: PLACE_DE_LA_MONNAIE.lat - 0.0003 } as const;

export function showPlaceDeLaMonnaie(viewer: Viewer): void {
  const C = cesium();
  const target = C.Cartesian3.fromDegrees(AIM.lon, AIM.lat, 0);
  viewer.camera.lookAt(
    target,
    new C.HeadingPitchRange(
      C.Math.toRadians(MONNAIE_VIEW.headingDeg),
      C.Math.toRadians(MONNAIE_VIEW.pitchDeg),
      MONNAIE_VIEW.rangeM,
    ),
  );
  // Release the look-at frame so the default mouse controls orbit and pan freely.
  viewer.camera.lookAtTransform(C.Matrix4.IDENTITY);
  viewer.scene.requestRender();
}
