import { layerContract } from '../layer-contract.ts';
import { StreetLightingLayer } from './street-lighting-layer.ts';

layerContract({ name: 'street-lighting', create: () => new StreetLightingLayer() });
