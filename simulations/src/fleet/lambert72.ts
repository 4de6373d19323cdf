import proj4 from 'proj4';

/**
 * EPSG:31370 "BD72 / Belgian Lambert 72" as published by epsg.io
 * (https://epsg.io/31370.proj4), with the 7-parameter datum shift of EPSG
 * transformation 15929 "BD72 to WGS 84 (3)" (~1 m accuracy), the one
 * PROJ/QGIS use by default for Belgium.
 */
export const EPSG_31370 =
  '+proj=lcc +lat_0=90 +lon_0=4.36748666666667 +lat_1=51.1666672333333 +lat_2=49.8333339 ' +
  '+x_0=150000.013 +y_0=5400088.438 +ellps=intl ' +
  '+towgs84=-106.8686,52.2978,-103.7239,0.3366,-0.457,1.8422,-1.2747 +units=m +no_defs +type=crs';

const converter = proj4(EPSG_31370, 'WGS84');

/** Lambert 72 (x, y in metres) → WGS84 (lon, lat in degrees). */
export function lambert72ToWgs84(x: number, y: number): { lon: number; lat: number } {
  const [lon, lat] = converter.forward([x, y]) as [number, number];
  return { lon, lat };
}

/** WGS84 (lon, lat) → Lambert 72 (x, y). */
export function wgs84ToLambert72(lon: number, lat: number): { x: number; y: number } {
  const [x, y] = converter.inverse([lon, lat]) as [number, number];
  return { x, y };
}
