// Resource limits for extraction: supplier attachments are hostile input, so every reader is bounded.

export interface ExtractLimits {
  /** Largest single document (attachment, ZIP member, PDF-embedded file) read into memory. */
  maxAttachmentBytes: number;
  /** Most entries a ZIP's central directory may list; more is refused as a probable bomb. */
  maxZipEntries: number;
  /** Most bytes inflated from one ZIP in total, counted while inflating (header sizes are not trusted). */
  maxZipTotalBytes: number;
  /** Highest inflated/compressed ratio for a member once it passes 1 MiB inflated. */
  maxZipRatio: number;
  /** Pages of a PDF whose text is read for heuristics. */
  maxPdfPages: number;
  /** Wall-clock bound for reading one PDF (the reader runs in a worker thread that is terminated at the bound). */
  pdfTimeoutMs: number;
}

export const DEFAULT_EXTRACT_LIMITS: Readonly<ExtractLimits> = Object.freeze({
  maxAttachmentBytes: 25 * 1024 * 1024,
  maxZipEntries: 200,
  maxZipTotalBytes: 100 * 1024 * 1024,
  maxZipRatio: 100,
  maxPdfPages: 5,
  pdfTimeoutMs: 15_000,
});

/** Inflated size below which the ratio check does not apply (small XML legitimately compresses well). */
export const ZIP_RATIO_GRACE_BYTES = 1024 * 1024;

export function resolveLimits(partial?: Partial<ExtractLimits>): ExtractLimits {
  return { ...DEFAULT_EXTRACT_LIMITS, ...(partial ?? {}) };
}
