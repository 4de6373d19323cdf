export { MqttUplink, type UplinkChannel, type UplinkOptions } from './mqtt-uplink.ts';
export { uplinkStatsSchema, type UplinkState, type UplinkStats } from './uplink-stats.ts';
