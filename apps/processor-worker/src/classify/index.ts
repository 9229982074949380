export { classifyMessage, isPlausibleDocument } from './classify-message';
export type { Classification, MessageAttachmentInfo, MessageInfo } from './classify-message';
export { findInvoiceVocabulary } from './vocabulary';
export type { VocabularyHit } from './vocabulary';
