export { MqttUplink, type UplinkOptions } from './mqtt-uplink.ts';
export { uplinkStatsSchema, type UplinkState, type UplinkStats } from './uplink-stats.ts';
