export { readDeltaPage } from './read-delta-page';
export { DeltaPageFormatError } from './page-assembler';
export type { AttachmentSink } from './content-writer';
