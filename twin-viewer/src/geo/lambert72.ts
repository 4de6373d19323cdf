import proj4 from 'proj4';

/**
 * Belge 1972 / Belgian Lambert 72 (EPSG:31370) as a proj4 definition.
 *
 * Projection: EPSG:31370 uses "Lambert Conic Conformal (2SP)" (EPSG method 9802) with the
 * standard parallels 49°50'00.204"N / 51°10'00.204"N, false origin 90°N 4°22'02.952"E and
 * false easting/northing 150000.013 m / 5400088.438 m on the International 1924 ellipsoid.
 *
 * Datum: BD72 → WGS 84 by EPSG:15929 "BD72 to WGS 84 (3)", a Coordinate Frame rotation
 * (EPSG method 9607) with tX −106.8686 m, tY +52.2978 m, tZ −103.7239 m,
 * rX −0.3366″, rY +0.4570″, rZ −1.8422″, dS −1.2747 ppm; stated accuracy 1 m.
 * proj4's `towgs84` follows the Position Vector convention (EPSG method 9606), so the three
 * rotations are written here with the opposite sign.
 */
export const LAMBERT72_PROJ4 =
  '+proj=lcc +lat_0=90 +lon_0=4.36748666666667 +lat_1=51.1666672333333 +lat_2=49.8333339 ' +
  '+x_0=150000.013 +y_0=5400088.438 +ellps=intl ' +
  '+towgs84=-106.8686,52.2978,-103.7239,0.3366,-0.457,1.8422,-1.2747 +units=m +no_defs';

const toWgs84 = proj4(LAMBERT72_PROJ4, 'WGS84');

/** Converts one EPSG:31370 position `[easting, northing]` (m) to WGS 84 `[lon, lat]` (degrees). */
export function lambert72ToWgs84(position: readonly [number, number]): [number, number] {
  const [lon, lat] = toWgs84.forward([position[0], position[1]]);
  return [lon, lat];
}

/** Converts one WGS 84 `[lon, lat]` (degrees) to EPSG:31370 `[easting, northing]` (m). */
export function wgs84ToLambert72(position: readonly [number, number]): [number, number] {
  const [x, y] = toWgs84.inverse([position[0], position[1]]);
  return [x, y];
}
