// Public API of the S3 simulator.
export { startS3Sim, type S3Sim, type S3SimEndpoint, type S3SimOptions } from './server';
export { parseArgs, USAGE } from './args';
