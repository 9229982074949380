// Resource limits for extraction: supplier attachments are hostile input, so every reader is bounded.

export interface ExtractLimits {
  /** Largest single document (attachment, ZIP member, PDF-embedded file) read into memory. */
  maxAttachmentBytes: number;
  /** Most entries a ZIP's central directory may list; more is refused as a probable bomb. */
  maxZipEntries: number;
  /** Highest inflated/compressed ratio for a member once it passes 1 MiB inflated. */
  maxZipRatio: number;
  /** Pages of a PDF whose text is read for heuristics. */
  maxPdfPages: number;
  /** Reading time of one document in a reader thread; the thread is terminated and replaced at the bound. */
  documentTimeLimitMs: number;
}

export const DEFAULT_EXTRACT_LIMITS: Readonly<ExtractLimits> = Object.freeze({
  maxAttachmentBytes: 25 * 1024 * 1024,
  maxZipEntries: 200,
  maxZipRatio: 100,
  maxPdfPages: 5,
  documentTimeLimitMs: 15_000,
});

/** Inflated size below which the ratio check does not apply (small XML legitimately compresses well). */
export const ZIP_RATIO_GRACE_BYTES = 1024 * 1024;

export function resolveLimits(...partials: (Partial<ExtractLimits> | undefined)[]): ExtractLimits {
  return partials.reduce<ExtractLimits>((limits, p) => ({ ...limits, ...p }), { ...DEFAULT_EXTRACT_LIMITS });
}
