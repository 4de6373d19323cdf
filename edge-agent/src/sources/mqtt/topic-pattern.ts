import { z } from 'zod';

const DEVICE = '{device}';

/**
 * A subscription topic: an MQTT topic filter (`+` one level, `#` the rest)
 * where one whole level may be `{device}`: it subscribes as `+` and the
 * level's value names the device, e.g. `lab/{device}/senml`.
 */
export const topicPatternSchema = z
  .string()
  .min(1)
  .refine((t) => t.split('/').every((level, i, all) => (level === '#' ? i === all.length - 1 : !/[#]/.test(level))), {
    message: '"#" may only be the whole last level',
  })
  .refine((t) => t.split('/').every((level) => level === '+' || level === DEVICE || !/[+{}]/.test(level)), {
    message: '"+" and "{device}" must fill a whole level, e.g. lab/{device}/senml',
  })
  .refine((t) => t.split('/').filter((level) => level === DEVICE).length <= 1, { message: '{device} may appear once' });

export interface TopicPattern {
  /** The filter to subscribe to ({device} → +). */
  readonly filter: string;
  readonly hasDevice: boolean;
  /** null when the topic does not match; `device` is the {device} level's value, if any. */
  match(topic: string): { device: string | undefined } | null;
}

export function compileTopicPattern(pattern: string): TopicPattern {
  const levels = pattern.split('/');
  const deviceLevel = levels.indexOf(DEVICE);
  return {
    filter: levels.map((l) => (l === DEVICE ? '+' : l)).join('/'),
    hasDevice: deviceLevel >= 0,
    match(topic) {
      const parts = topic.split('/');
      for (const [i, level] of levels.entries()) {
        if (level === '#') return { device: deviceLevel >= 0 ? parts[deviceLevel] : undefined };
        const part = parts[i];
        if (part === undefined) return null;
        if (level !== '+' && level !== DEVICE && level !== part) return null;
      }
      if (parts.length !== levels.length) return null;
      return { device: deviceLevel >= 0 ? parts[deviceLevel] : undefined };
    },
  };
}
