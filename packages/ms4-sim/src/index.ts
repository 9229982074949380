// Public API of the MS4 simulator.
export { startMs4Sim, type Ms4Sim, type Ms4SimOptions } from './server';
export type { SimConfigInput } from './config';
export type { ItemResult, Ms4Attachment, Ms4Batch, Ms4Invoice, Ms4Item } from './contract';
export type { RequestRecord } from './request-log';
