import { layerContract } from '../layer-contract.ts';
import { AirQualityLayer } from './air-quality-layer.ts';

layerContract({ name: 'air-quality', create: () => new AirQualityLayer() });
