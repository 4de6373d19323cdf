import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import { LAMBERT72_PROJ4, lambert72ToWgs84, wgs84ToLambert72 } from '../src/geo/lambert72.ts';

/** Metres between two WGS 84 positions (equirectangular; exact enough at these distances). */
function metresBetween(a: readonly [number, number], b: readonly [number, number]): number {
  const r = 6_371_008.8;
  const rad = Math.PI / 180;
  const dx = (a[0] - b[0]) * rad * Math.cos(((a[1] + b[1]) / 2) * rad) * r;
  const dy = (a[1] - b[1]) * rad * r;
  return Math.hypot(dx, dy);
}

const dms = (d: number, m: number, s: number): number => d + m / 60 + s / 3600;

/**
 * BD72 → WGS 84, EPSG:15929, written out independently of proj4: geographic → geocentric on
 * International 1924, the Coordinate Frame rotation of EPSG Guidance Note 7-2 §4.3.3 (method
 * 9607) with the EPSG parameters as published, geocentric → geographic on WGS 84.
 */
function bd72ToWgs84Epsg15929(lonDeg: number, latDeg: number): [number, number] {
  const rad = Math.PI / 180;
  const arcsec = rad / 3600;
  const toXyz = (lon: number, lat: number, a: number, invF: number): [number, number, number] => {
    const e2 = (2 - 1 / invF) / invF;
    const n = a / Math.sqrt(1 - e2 * Math.sin(lat) ** 2);
    return [n * Math.cos(lat) * Math.cos(lon), n * Math.cos(lat) * Math.sin(lon), n * (1 - e2) * Math.sin(lat)];
  };
  const [x, y, z] = toXyz(lonDeg * rad, latDeg * rad, 6_378_388, 297);
  const [tx, ty, tz] = [-106.8686, 52.2978, -103.7239];
  const [rx, ry, rz] = [-0.3366 * arcsec, 0.457 * arcsec, -1.8422 * arcsec];
  const m = 1 + -1.2747e-6;
  // Coordinate Frame convention: the rotation matrix is the transpose of the Position Vector one.
  const xt = m * (x + rz * y - ry * z) + tx;
  const yt = m * (-rz * x + y + rx * z) + ty;
  const zt = m * (ry * x - rx * y + z) + tz;
  const a = 6_378_137;
  const e2 = (2 - 1 / 298.257223563) / 298.257223563;
  const p = Math.hypot(xt, yt);
  let lat = Math.atan2(zt, p * (1 - e2));
  for (let i = 0; i < 6; i++) {
    const n = a / Math.sqrt(1 - e2 * Math.sin(lat) ** 2);
    lat = Math.atan2(zt + e2 * n * Math.sin(lat), p);
  }
  return [Math.atan2(yt, xt) / rad, lat / rad];
}

describe('Belgian Lambert 72 (EPSG:31370) → WGS 84', () => {
  // EPSG Guidance Note 7-2 (IOGP Publication 373-7-2), example for the Belge Lambert 72
  // projection: BD72 φ = 50°40'46.461"N, λ = 5°48'26.533"E ↔ E = 251763.20 m, N = 153034.13 m.
  const referenceBd72: [number, number] = [dms(5, 48, 26.533), dms(50, 40, 46.461)];
  const referenceGrid: [number, number] = [251_763.2, 153_034.13];

  it('projects the EPSG reference point to its published grid coordinates (< 1 m)', () => {
    const bd72 = `+proj=longlat +ellps=intl +towgs84=${LAMBERT72_PROJ4.split('+towgs84=')[1]!.split(' ')[0]} +no_defs`;
    const [e, n] = proj4(bd72, LAMBERT72_PROJ4, referenceBd72);
    // EPSG:31370's parameters reproduce the NGI's published constants to a few centimetres.
    expect(Math.hypot(e - referenceGrid[0], n - referenceGrid[1])).toBeLessThan(0.1);
  });

  it('converts the reference grid point to WGS 84 within 1 m of the EPSG:15929 transformation', () => {
    const expected = bd72ToWgs84Epsg15929(...referenceBd72);
    const got = lambert72ToWgs84(referenceGrid);
    expect(metresBetween(got, expected)).toBeLessThan(1);
    // The datum shift itself is tens of metres: a wrong sign on the rotations would show.
    expect(metresBetween(referenceBd72, expected)).toBeGreaterThan(50);
  });

  it('round-trips a point of Place de la Monnaie', () => {
    const monnaie: [number, number] = [4.3533, 50.8497];
    const [e, n] = wgs84ToLambert72(monnaie);
    // Inside the UrbIS cell bxl-e148500-n171000 the scene is built from.
    expect(e).toBeGreaterThan(148_500);
    expect(e).toBeLessThan(149_000);
    expect(n).toBeGreaterThan(171_000);
    expect(n).toBeLessThan(171_500);
    expect(metresBetween(lambert72ToWgs84([e, n]), monnaie)).toBeLessThan(0.01);
  });
});
