export { LampControllerServer, type LampControllerCounters } from './lamp-controller-server.ts';
export { FAULT_BITS, Luminaire, luminaireSpecSchema, type Fault, type LuminaireSpec, type ScheduleStep } from './luminaire.ts';
