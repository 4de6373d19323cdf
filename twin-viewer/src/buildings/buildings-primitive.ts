import type { Color, GeometryInstance, Primitive } from 'cesium';
import { cesium } from '../cesium.ts';
import { ringToDegrees, type CompactBuildingFile } from './buildings-format.ts';

/** Stone at street level to a paler tone at the top of the skyline: a subtle height cue. */
const LOW = [0.6, 0.55, 0.48] as const;
const HIGH = [0.76, 0.74, 0.71] as const;
const SHADE_FULL_AT_M = 45;

function shade(heightM: number): Color {
  const { Color } = cesium();
  const k = Math.min(1, Math.max(0, heightM / SHADE_FULL_AT_M));
  return new Color(LOW[0] + (HIGH[0] - LOW[0]) * k, LOW[1] + (HIGH[1] - LOW[1]) * k, LOW[2] + (HIGH[2] - LOW[2]) * k, 1);
}

/**
 * All buildings as one Primitive: one extruded PolygonGeometry instance per footprint part,
 * coloured per instance, lit (PerInstanceColorAppearance with normals). The instance id is the
 * UrbIS building id, so `scene.pick` can name a building.
 *
 * Built synchronously: the geometry is ready on the first frame after it is added, so the
 * request-render scene needs no polling of worker progress.
 */
export function createBuildingsPrimitive(file: CompactBuildingFile): Primitive {
  const C = cesium();
  const instances: GeometryInstance[] = [];
  for (const building of file.buildings) {
    const color = C.ColorGeometryInstanceAttribute.fromColor(shade(building.h));
    for (const rings of building.polygons) {
      const [outer, ...holes] = rings.map((r) => C.Cartesian3.fromDegreesArray(ringToDegrees(r, file.origin)));
      const hierarchy = new C.PolygonHierarchy(outer, holes.map((h) => new C.PolygonHierarchy(h)));
      instances.push(
        new C.GeometryInstance({
          id: building.id,
          geometry: new C.PolygonGeometry({
            polygonHierarchy: hierarchy,
            height: 0,
            extrudedHeight: building.h,
            vertexFormat: C.PerInstanceColorAppearance.VERTEX_FORMAT,
          }),
          attributes: { color },
        }),
      );
    }
  }
  return new C.Primitive({
    geometryInstances: instances,
    appearance: new C.PerInstanceColorAppearance({ translucent: false, closed: true }),
    asynchronous: false,
    releaseGeometryInstances: true,
    allowPicking: true,
  });
}

/** Street centre lines as one thin polyline Primitive just above the ground. */
export function createStreetsPrimitive(file: CompactBuildingFile): Primitive {
  const C = cesium();
  const colour = C.ColorGeometryInstanceAttribute.fromColor(C.Color.fromCssColorString('#c9ced6'));
  const instances = file.streets.map(
    (street) =>
      new C.GeometryInstance({
        geometry: new C.PolylineGeometry({
          positions: C.Cartesian3.fromDegreesArray(ringToDegrees(street.line, file.origin)),
          width: 2,
          vertexFormat: C.PolylineColorAppearance.VERTEX_FORMAT,
        }),
        attributes: { color: colour },
      }),
  );
  return new C.Primitive({
    geometryInstances: instances,
    appearance: new C.PolylineColorAppearance({ translucent: false }),
    asynchronous: false,
    allowPicking: false,
  });
}
