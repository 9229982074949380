export { readDeltaPage } from './read-delta-page';
export { DeltaPageFormatError, type AttachmentSoFar, type MessageSoFar, type StoreFilter } from './page-assembler';
export type { AttachmentSink } from './content-writer';
