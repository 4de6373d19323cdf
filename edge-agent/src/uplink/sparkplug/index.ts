export { SparkplugUplink, REBIRTH_METRIC, type SparkplugUplinkOptions } from './sparkplug-uplink.ts';
export { sparkplugDevices } from './devices.ts';
export { sparkplugIdSchema, sparkplugTopic, SPARKPLUG_NAMESPACE } from './topics.ts';
export { DataType, decodePayload, encodePayload, propertyOf, type Metric, type Payload } from './payload.ts';
