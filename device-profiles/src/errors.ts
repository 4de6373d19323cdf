import { defineErrors } from './contracts/errors.ts';

/** Unit conversion errors (src/units.ts). Documented in docs/errors/device-profiles.md. */
export const unitErrors = defineErrors('UNIT', {
  UNKNOWN: {
    kind: 'invalid_input',
    message: 'unknown unit "{unit}"',
    hint: 'use a UCUM code from the unit catalogue: {known}',
  },
  UNKNOWN_QUANTITY: {
    kind: 'invalid_input',
    message: 'unknown quantity "{quantity}"',
    hint: 'use a quantity from the catalogue: {known}',
  },
  DIMENSION_MISMATCH: {
    kind: 'invalid_input',
    message: 'cannot convert {from} ({from_dimension}) to {to} ({to_dimension})',
    hint: 'pick a unit of the same dimension as {to}: {compatible}',
  },
});

/** Profile loading and normalisation errors (src/profiles/*, src/normaliser.ts). */
export const profileErrors = defineErrors('PROFILE', {
  DIR_UNREADABLE: {
    kind: 'fatal',
    message: 'cannot read the device profile folder {dir}: {reason}',
    hint: 'check that the folder exists and is readable; the built-in profiles live in device-profiles/profiles/',
  },
  FILE_UNREADABLE: {
    kind: 'fatal',
    message: 'cannot read device profile {file}: {reason}',
    hint: 'check the path and the file permissions',
  },
  YAML_SYNTAX: {
    kind: 'invalid_input',
    message: '{file}:{line}:{column}: YAML syntax error: {reason}',
    hint: 'fix the YAML at that line (indentation, quotes, brackets, duplicate keys)',
  },
  INVALID: {
    kind: 'invalid_input',
    message: '{file} is not a valid device profile: {problems}',
    hint: 'fix each field named above; device-profiles/README.md describes every profile field',
  },
  DUPLICATE_ID: {
    kind: 'invalid_input',
    message: 'device profile id "{id}" is declared by both {first} and {second}',
    hint: 'keep one file per profile id; delete or rename the other',
  },
  UNKNOWN_ID: {
    kind: 'invalid_input',
    message: 'no device profile with id "{id}"',
    hint: 'use one of: {known}; or add device-profiles/profiles/{id}.yaml (see device-profiles/README.md, "How to add a device model")',
  },
  NORMALISER_OPTIONS: {
    kind: 'invalid_input',
    message: 'cannot normalise readings of profile {profile}: {field} "{value}" is invalid: {reason}',
    hint: 'device and scenario ids use lower-case letters, digits, ".", "_" or "-" (max 64)',
  },
  FRAME_FIELD_MISSING: {
    kind: 'invalid_input',
    message: 'frame for device {device} has no field "{field}" (channel {quantity} of profile {profile}); fields present: {present}',
    hint: 'check that profile {profile} uses the field names bridge {bridge} decodes, and that the device model matches the profile',
  },
  FRAME_BAD_TIMESTAMP: {
    kind: 'invalid_input',
    message: 'frame for device {device} has an invalid timestamp; its readings were dropped',
    hint: 'the bridge must stamp each frame with a valid Date (frame.ts)',
  },
});
