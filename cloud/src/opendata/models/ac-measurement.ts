import type { AttributeRule } from './observation-model.ts';
import { direct, observationModel, whAsKwh } from './observation-model.ts';
import { ELECTRICAL, isPolyphase, measuresAny, subjectContext } from './profile-traits.ts';

/** The whole-meter values both energy models share (`total*` count all phases). */
const TOTALS: readonly AttributeRule[] = [
  direct('totalActivePower', 'active_power', 'WTT'),
  direct('totalReactivePower', 'reactive_power', 'D56'),
  direct('totalPowerFactor', 'power_factor', 'C62'),
  direct('frequency', 'frequency', 'HTZ'),
  { attribute: 'totalActiveEnergyImport', quantity: 'energy', unitCode: 'KWH', value: whAsKwh },
  { attribute: 'totalActiveEnergyExport', quantity: 'energy_export', unitCode: 'KWH', value: whAsKwh },
];

const DATASET_KEYWORDS = ['energy', 'electricity', 'metering'];

/**
 * ThreePhaseAcMeasurement (dataModel.Energy): polyphase meters (the profile
 * has per-phase registers), and meters that only give totals. A polyphase
 * meter's per-phase values come as separate registry devices of the same
 * profile; the registry cannot tell them apart from the whole-meter device
 * unless they carry a `phase` tag, and tagged ones are left out (their values
 * are not totals).
 */
export const threePhaseAcMeasurement = observationModel({
  type: 'ThreePhaseAcMeasurement',
  context: subjectContext('Energy'),
  schema: 'https://smart-data-models.github.io/dataModel.Energy/ThreePhaseAcMeasurement/schema.json',
  dataset: {
    title: 'Three-phase electricity measurements',
    description: 'Active power, power factor, frequency and imported/exported energy of building and street-cabinet meters.',
    theme: 'ENER',
    keywords: DATASET_KEYWORDS,
  },
  matches: (device, profile) =>
    measuresAny(profile, ELECTRICAL) && device.tags?.phase === undefined && (isPolyphase(profile) || !measuresAny(profile, ['voltage'])),
  observedAtAttribute: 'dateObserved',
  rules: TOTALS,
});

/** ACMeasurement (dataModel.Energy) with `phaseType: singlePhase`: meters with one voltage and no per-phase registers. */
export const acMeasurement = observationModel({
  type: 'ACMeasurement',
  context: subjectContext('Energy'),
  schema: 'https://smart-data-models.github.io/data-models.Energy/ACMeasurement/schema.json',
  dataset: {
    title: 'Single-phase electricity measurements',
    description: 'Voltage, current, active power, power factor, frequency and imported/exported energy of single-phase meters.',
    theme: 'ENER',
    keywords: DATASET_KEYWORDS,
  },
  matches: (_device, profile) => measuresAny(profile, ['voltage']) && !isPolyphase(profile),
  observedAtAttribute: 'dateObserved',
  fixed: () => ({ phaseType: 'singlePhase' }),
  rules: [
    ...TOTALS,
    // A single-phase circuit has one line conductor; the model names it L1.
    { attribute: 'phaseVoltage', quantity: 'voltage', unitCode: 'VLT', value: (v) => ({ L1: v }) },
    { attribute: 'current', quantity: 'current', unitCode: 'AMP', value: (v) => ({ L1: v }) },
  ],
});
