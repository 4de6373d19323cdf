import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { OPEN_DATA_MODELS } from '../models/index.ts';

/** The FIWARE Smart Data Models copy of the shared data (see /work/shared/data/SOURCES.md). */
const SMART_DATA_MODELS_DIR = '/work/shared/data/models/smart-data-models';

/** Schema files by the URL their `$ref`s use; the Environment subject schema is referenced by its raw GitHub URL, not its `$id`. */
const SHARED_SCHEMAS: Record<string, string> = {
  'https://smart-data-models.github.io/data-models/common-schema.json': 'common-schema.json',
  'https://smart-data-models.github.io/dataModel.Device/device-schema.json': 'dataModel.Device/device-schema.json',
  'https://raw.githubusercontent.com/smart-data-models/dataModel.Environment/master/Environment-schema.json': 'dataModel.Environment/Environment-schema.json',
};

/** Model schema file by entity type. */
const MODEL_SCHEMAS: Record<string, string> = {
  AirQualityObserved: 'dataModel.Environment/AirQualityObserved/schema.json',
  IndoorEnvironmentObserved: 'dataModel.Environment/IndoorEnvironmentObserved/schema.json',
  Streetlight: 'dataModel.Streetlighting/Streetlight/schema.json',
  CrowdFlowObserved: 'dataModel.Transportation/CrowdFlowObserved/schema.json',
  ThreePhaseAcMeasurement: 'dataModel.Energy/ThreePhaseAcMeasurement/schema.json',
  ACMeasurement: 'dataModel.Energy/ACMeasurement/schema.json',
};

// ajv-formats is CommonJS; under ESM its function is the default export's default.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

/**
 * Validators of key-values entities against the Smart Data Models' own
 * JSON Schemas (draft 2020-12), with every remote `$ref` served from the
 * local copy, so tests need no network. Throws if a published model has no
 * schema here.
 */
export function smartDataModelValidators(dir = SMART_DATA_MODELS_DIR): (entity: Record<string, unknown>) => string[] {
  const load = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
  // The schemas carry annotations of their own (modelTags, $schemaVersion): not strict.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const [url, file] of Object.entries(SHARED_SCHEMAS)) ajv.addSchema({ ...load(file), $id: url });
  const validators = new Map<string, ValidateFunction>();
  for (const model of OPEN_DATA_MODELS) {
    const file = MODEL_SCHEMAS[model.type];
    if (!file) throw new Error(`no Smart Data Model schema file for ${model.type}`);
    validators.set(model.type, ajv.compile(load(file)));
  }
  return (entity) => {
    const validate = validators.get(entity.type as string);
    if (!validate) return [`no schema for type ${String(entity.type)}`];
    return validate(entity) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  };
}
