import type { LabelCollection, Viewer } from 'cesium';
import { cesium } from '../cesium.ts';
import { t, type MessageKey } from '../i18n/i18n.ts';
import { MONNAIE_OPERA, PLACE_DE_LA_MONNAIE } from './place-de-la-monnaie.ts';

/**
 * Names of the places the opening view frames, so a visitor can tell where they are, in the
 * current language (Place de la Monnaie / Muntplein). Positions are UrbIS footprint centroids
 * (place-de-la-monnaie.ts), heights just above the roofs.
 */
const LANDMARKS: ReadonlyArray<{ name: MessageKey; lon: number; lat: number; height: number; align: 'left' | 'right' | 'center' }> = [
  // The square's name reads leftwards and the opera's rightwards, so the two never overlap.
  { name: 'landmark.place-de-la-monnaie', lon: PLACE_DE_LA_MONNAIE.lon, lat: PLACE_DE_LA_MONNAIE.lat, height: 2, align: 'right' },
  { name: 'landmark.opera', lon: MONNAIE_OPERA.lon, lat: MONNAIE_OPERA.lat, height: 36, align: 'left' },
  // UrbIS building 1823663, 63 m.
  { name: 'landmark.centre-monnaie', lon: 4.35274, lat: 50.85031, height: 68, align: 'center' },
];

/**
 * LabelCollection's `ready` ("true when all labels currently in the collection are ready for
 * rendering", LabelCollection.js) is public in the source but missing from Cesium's typings.
 */
function glyphsReady(labels: LabelCollection): boolean {
  return (labels as LabelCollection & { readonly ready?: boolean }).ready !== false;
}

/** Frames to wait at most for new glyphs (a frame takes ~0.5 s on a CPU rasteriser). */
const MAX_GLYPH_FRAMES = 60;

/**
 * Adds the labels; `relabel()` rewrites them in the current language and resolves once they are
 * drawn. New glyphs reach Cesium's texture atlas asynchronously, a frame or two after the text
 * changes, and in request-render mode nothing would draw those frames: relabel asks for frames
 * until the collection reports every glyph ready.
 */
export function addLandmarkLabels(viewer: Viewer): { labels: LabelCollection; relabel(): Promise<void> } {
  const C = cesium();
  const labels = viewer.scene.primitives.add(new C.LabelCollection()) as LabelCollection;
  for (const l of LANDMARKS) {
    labels.add({
      text: t(l.name),
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
  return {
    labels,
    relabel() {
      LANDMARKS.forEach((l, i) => {
        labels.get(i).text = t(l.name);
      });
      return new Promise((resolve) => {
        let frames = 0;
        const remove = viewer.scene.postRender.addEventListener(() => {
          frames += 1;
          // The first frame after the change only starts loading the new glyphs.
          if ((frames > 1 && glyphsReady(labels)) || frames >= MAX_GLYPH_FRAMES) {
            remove();
            resolve();
          } else {
            viewer.scene.requestRender();
          }
        });
        viewer.scene.requestRender();
      });
    },
  };
}
