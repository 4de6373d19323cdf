/**
 * English catalogue: the reference one. Every user-visible text of the viewer is a key here, and
 * fr.ts and nl.ts must carry the same keys with the same `{placeholders}` (test/i18n.test.ts).
 * Place names follow the bilingual usage of the Brussels-Capital Region: English text uses the
 * French name where English has none of its own.
 */
export const en = {
  'language.name': 'English',
  'language.choose': 'Language',
  'app.title': 'Zenne — Brussels twin',
  'ui.legend': 'Legend',
  'ui.details': 'Details',
  'ui.close': 'Close',
  'ui.scene': '3D view of central Brussels',

  // The credit of generated/data/buildings.json (scripts/urbis.ts ATTRIBUTION), translated.
  'attribution.buildings': 'Buildings and street axes: UrbIS © Paradigm / Brussels-Capital Region (CC0). Heights: DSM 2021 − DTM 2021 percentiles from Chatnoir01/Chatnoir01 (CC0 sources).',

  'landmark.place-de-la-monnaie': 'Place de la Monnaie',
  'landmark.opera': 'La Monnaie / De Munt',
  'landmark.centre-monnaie': 'Centre Monnaie',

  'building.title': 'Building',
  'building.urbis-id': 'UrbIS id',
  'building.height': 'Height',
  'building.height-from': 'Height from',
  'building.source.candidate': 'UrbIS: surface − terrain model (candidate)',
  'building.source.p75': 'UrbIS: surface − terrain model (75th percentile)',
  'building.source.default': 'default (median of the area)',

  'quantity.pm2_5': 'PM2.5',
  'quantity.pm10': 'PM10',
  'quantity.lamp_level': 'Dimming level',
  'quantity.lamp_power': 'Lamp power',
  'quantity.energy': 'Energy',
  'quantity.burning_hours': 'Burning hours',
  'quantity.lamp_faults': 'Faults',

  'quality.good': 'good',
  'quality.suspect': 'suspect',
  'quality.bad': 'invalid',
  'reason.out_of_valid_range': 'outside the sensor range',
  'reason.out_of_plausible_range': 'implausible value',
  'reason.stuck_value': 'stuck value',
  'reason.implausible_jump': 'implausible jump',
  'reason.sensor_fault': 'sensor fault',
  'quality.with-reasons': '{quality}: {reasons}',
  'reading.meta': '{quantity} · {time} · quality: {quality}',

  'panel.street': 'Street',
  'panel.model': 'Model',
  'panel.device': 'Device',

  'chart.loading': 'Loading the {quantity} history…',
  'chart.title': '{quantity}, last {hours} h',
  'chart.unit-note': '{unit} · avg, min–max',
  'chart.per-bucket': '{unit} per {minutes} min',
  'chart.aria': '{title}, chart of the last {hours} h',
  'chart.empty': 'no readings in this period',

  'legend.no-value': 'No value',
  'legend.suspect': 'Suspect reading',
  'legend.bad': 'Invalid reading',
  'legend.show-layer': 'Show or hide {layer}',

  'air-quality.title': 'Air quality',
  'air-quality.legend': 'PM2.5 — European Air Quality Index',
  'air-quality.note.bands': 'Bands: European Air Quality Index of the EEA (current revision).',
  'air-quality.note.latest': 'Latest reading per sensor; click a sensor for the last 24 h.',
  'air-quality.no-reading': 'No PM2.5 reading yet.',
  'reading.not-rated': 'not rated',
  'eaqi.1': 'Good',
  'eaqi.2': 'Fair',
  'eaqi.3': 'Moderate',
  'eaqi.4': 'Poor',
  'eaqi.5': 'Very poor',
  'eaqi.6': 'Extremely poor',

  'street-lighting.title': 'Street lighting',
  'street-lighting.legend': 'Street lights — dimming level',
  'street-lighting.level.off': 'Off',
  'street-lighting.level.low': 'Strongly dimmed',
  'street-lighting.level.dimmed': 'Dimmed',
  'street-lighting.level.slight': 'Slightly dimmed',
  'street-lighting.level.full': 'Full',
  'street-lighting.fault': 'Fault',
  'street-lighting.note.faults': 'A red ring: the controller reports a lamp, driver or column fault.',
  'street-lighting.note.click': 'Click a lamp for its level, power and energy over the last 24 h.',
  'street-lighting.no-reading': 'No reading yet.',
  'street-lighting.fault-list': 'Fault: {faults}',
  'street-lighting.no-fault': 'No fault',
  'street-lighting.fault.lamp': 'lamp failure',
  'street-lighting.fault.driver': 'driver or lantern failure',
  'street-lighting.fault.column': 'column issue (door open, tilt)',
  'street-lighting.fault.unknown': 'undefined fault flags {flags}',
} as const;

export type MessageKey = keyof typeof en;
/** A catalogue: one text for every key of the English one. */
export type Catalogue = Readonly<Record<MessageKey, string>>;
