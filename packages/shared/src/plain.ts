// `@ms1/shared/plain`: the helpers that need no dependency, for code that must load fast and light (the
// processor's reader threads). The package's main entry loads BullMQ, ioredis, the AWS SDK, MSAL and winston,
// which cost each reader thread about half a second of CPU to load, for two one-line functions.
export { errorMessage, toError } from './error-message';
export { isRecord } from './guards';
