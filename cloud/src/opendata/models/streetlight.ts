import { direct, observationModel, percentAsFraction, whAsKwh } from './observation-model.ts';
import { LAMP, measuresAny, subjectContext } from './profile-traits.ts';

/*
 * Fault bits of generic-modbus-lamp-controller (holding register 8): bit 0
 * lamp, bit 1 driver/lantern, bit 2 column. The model's `status` holds one
 * value, so the most serious fault wins: a column issue (door open, tilt)
 * endangers passers-by, a broken lantern darkens the street, a defective lamp
 * only needs a relamping round.
 */
const FAULT_STATUS = [
  { bit: 2, status: 'columnIssue' },
  { bit: 1, status: 'brokenLantern' },
  { bit: 0, status: 'defectiveLamp' },
] as const;

/** `status` from the fault bit field; undefined for bits the profile does not define. */
export function streetlightStatus(faults: number): string | undefined {
  if (faults === 0) return 'ok';
  return FAULT_STATUS.find((f) => (faults >> f.bit) & 1)?.status;
}

/** Streetlight (dataModel.Streetlighting): luminaire controllers. */
export const streetlight = observationModel({
  type: 'Streetlight',
  context: subjectContext('Streetlighting'),
  schema: 'https://smart-data-models.github.io/dataModel.Streetlighting/Streetlight/schema.json',
  dataset: {
    title: 'Street lights',
    description: 'Power state, dimming level, power draw and fault status of connected street lights.',
    theme: 'ENER',
    keywords: ['street lighting', 'energy', 'public lighting'],
  },
  matches: (_device, profile) => measuresAny(profile, LAMP),
  observedAtAttribute: 'observationDateTime',
  required: ['status'],
  rules: [
    { attribute: 'powerState', quantity: 'lamp_level', value: (level) => (level > 0 ? 'on' : 'off') },
    { attribute: 'illuminanceLevel', quantity: 'lamp_level', unitCode: 'C62', value: percentAsFraction },
    direct('powerConsumption', 'lamp_power', 'WTT'),
    { attribute: 'lifetimePowerConsumption', quantity: 'energy', unitCode: 'KWH', value: whAsKwh },
    { attribute: 'status', quantity: 'lamp_faults', value: streetlightStatus },
  ],
});
