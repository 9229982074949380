export { startGraphSim, type GraphSim } from './server';
export type { GraphSimOptions, SimConfig, ThrottleConfig, LatencyConfig, Credentials } from './options';
export {
  MESSAGE_PROPERTIES,
  FILE_ATTACHMENT_PROPERTIES,
  MAIL_FOLDER_PROPERTIES,
  SUBSCRIPTION_PROPERTIES,
  CHANGE_NOTIFICATION_PROPERTIES,
} from './mail/properties';
export type { StatsSnapshot } from './stats';
export { trustCa } from './testing/trust-ca';
