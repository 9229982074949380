export { DocumentReader } from './extract-document';
export type { DocumentReaderSettings, ExtractOptions } from './extract-document';
export { EmailBudget, DEFAULT_EMAIL_BUDGET } from './email-budget';
export type { EmailBudgetSize } from './email-budget';
export { DEFAULT_EXTRACT_LIMITS, resolveLimits } from './limits';
export type { ExtractLimits } from './limits';
export { sniffKind } from './sniff';
export type { SniffedKind } from './sniff';
export type { DocumentInput, DocumentOutcome, DocumentResult, ExtractedInvoice } from './types';
