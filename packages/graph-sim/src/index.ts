export { startGraphSim, type GraphSim } from './server';
export type { GraphSimOptions, SimConfig, ThrottleConfig, LatencyConfig, LatencyOption, Credentials } from './options';
export {
  MESSAGE_PROPERTIES,
  FILE_ATTACHMENT_PROPERTIES,
  MAIL_FOLDER_PROPERTIES,
  SUBSCRIPTION_PROPERTIES,
  CHANGE_NOTIFICATION_PROPERTIES,
} from './mail/properties';
export type { StatsSnapshot } from './stats';
export type { RequestRecord } from './request-log';
export { trustCa } from './testing/trust-ca';
export { createRng, type Rng } from './util/random';
export { REAL_LATENCY } from './throttle/latency';
export { SERVICE_TIME_HEADER } from './graph/pipeline';
export { MAX_MESSAGE_BYTES } from './admin/inject/limits';
