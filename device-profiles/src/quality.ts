import type { Channel } from './contracts/profile.ts';
import type { Quality, QualityReason } from './contracts/reading.ts';
import { dropFloatNoise } from './units.ts';

/** Most severe first; a reading's `reasons` follow this order. */
export const REASON_SEVERITY: readonly QualityReason[] = [
  'sensor_fault',
  'out_of_valid_range',
  'out_of_plausible_range',
  'stuck_value',
  'implausible_jump',
];

export interface Assessment {
  quality: Quality;
  /** Empty when `quality` is `good`; otherwise ordered by REASON_SEVERITY. */
  reasons: QualityReason[];
}

export interface ChannelQuality {
  /** Judges one canonical value and updates the channel's history. */
  assess(value: number): Assessment;
}

/**
 * The quality rules of one channel, with the history they need.
 * Lifecycle: one instance per (normaliser, channel); call `assess` with every
 * sample of that channel in arrival order. Rules:
 * - non-finite → bad, `sensor_fault` (history untouched);
 * - outside `valid` → bad, `out_of_valid_range` (implies out of plausible, which is not repeated);
 * - outside `plausible` → suspect, `out_of_plausible_range`;
 * - |value − last non-bad value| > `max_step` → suspect, `implausible_jump`;
 * - the `stuck_after`-th identical value in a row, and every further one → suspect, `stuck_value`.
 * Bad values do not become the reference for jumps; every finite value counts for stuck runs
 * (a sensor frozen on an out-of-range code is stuck too).
 */
export function createChannelQuality(
  channel: Pick<Channel, 'valid' | 'plausible' | 'max_step' | 'stuck_after'>,
): ChannelQuality {
  const { valid, plausible, max_step: maxStep, stuck_after: stuckAfter } = channel;
  let lastNotBad: number | undefined;
  let run: { value: number; count: number } | undefined;

  return {
    assess(value) {
      if (!Number.isFinite(value)) return { quality: 'bad', reasons: ['sensor_fault'] };

      const found = new Set<QualityReason>();
      const outOfValid = value < valid.min || value > valid.max;
      if (outOfValid) found.add('out_of_valid_range');
      else if (value < plausible.min || value > plausible.max) found.add('out_of_plausible_range');

      if (maxStep !== undefined && lastNotBad !== undefined && dropFloatNoise(Math.abs(value - lastNotBad)) > maxStep) {
        found.add('implausible_jump');
      }

      run = run?.value === value ? { value, count: run.count + 1 } : { value, count: 1 };
      if (stuckAfter !== undefined && run.count >= stuckAfter) found.add('stuck_value');

      if (!outOfValid) lastNotBad = value;
      const reasons = REASON_SEVERITY.filter((r) => found.has(r));
      return { quality: outOfValid ? 'bad' : reasons.length > 0 ? 'suspect' : 'good', reasons };
    },
  };
}
