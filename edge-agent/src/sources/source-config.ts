import { deviceIdSchema, idSchema } from '@zenne/device-profiles';

/**
 * Keys every source kind has: its own id, the bridge that decodes its frames,
 * the profile that normalises them and the registry id of the device.
 * A kind spreads this into its strict zod object.
 */
export const sourceBaseShape = {
  id: idSchema,
  bridge: idSchema,
  profile: idSchema,
  device: deviceIdSchema,
};
