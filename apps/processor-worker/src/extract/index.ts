export { extractDocument } from './extract-document';
export { closePdfReader } from './pdf';
export { DEFAULT_EXTRACT_LIMITS, resolveLimits } from './limits';
export type { ExtractLimits } from './limits';
export { sniffKind } from './sniff';
export type { SniffedKind } from './sniff';
export type { DocumentInput, DocumentOutcome, DocumentResult, ExtractedInvoice } from './types';
