/**
 * The only real CO2 series in Zenne's shared data: the CO2 column of the PyPMS capture
 * `MHZ19B.csv` (avaldebe/PyPMS docs/sensors, MIT, see ./README.md and ./LICENSE-PyPMS-MIT.txt),
 * ten read-CO2 answers of a real MH-Z19B polled every 10 s on 2021-07-04 from 17:17:36 UTC.
 * (The UCI building-energy data has temperatures and humidities but no CO2.)
 * `test/devices/mhz19b.test.ts` checks these values against the bridge's capture test case.
 */
export const MHZ19B_CAPTURE = {
  /** Unix seconds of the first sample. */
  startS: 1_625_419_056,
  stepS: 10,
  co2Ppm: [636, 636, 636, 636, 636, 636, 636, 636, 635, 633],
} as const;

const STEP_MS = MHZ19B_CAPTURE.stepS * 1000;

/**
 * CO2 (integer ppm, as on the wire) at wall-clock `wallMs`: the capture replayed cyclically
 * from its own start time, one sample per 10 s slot, held within the slot (the sensor itself answers with its last
 * integer value, so there is nothing to interpolate).
 */
export function capturedCo2At(wallMs: number): number {
  const values = MHZ19B_CAPTURE.co2Ppm;
  const slot = Math.floor((wallMs - MHZ19B_CAPTURE.startS * 1000) / STEP_MS);
  return values[((slot % values.length) + values.length) % values.length]!;
}
