// Entry point: one attachment's bytes -> zero or more invoices, with warnings and a recorded outcome.
// Never throws: every failure becomes an outcome with a human reason. XML and PDF documents (ZIP members included)
// are read in the reader pool, each within its time limit and the e-mail's budget; the main thread only sniffs,
// walks ZIP archives (zlib inflates off the event loop) and keeps the accounts.

import { EmailBudget, type EmailBudgetSize, DEFAULT_EMAIL_BUDGET } from './email-budget';
import { type ExtractLimits, resolveLimits } from './limits';
import { ReaderPool } from './reader-pool';
import type { WarmUpReport } from './reading';
import { errorMessage } from '@ms1/shared';
import { contentTypeFor, type SniffedKind, sniffKind } from './sniff';
import type { DocumentInput, DocumentOutcome, DocumentResult, ExtractedInvoice } from './types';
import { readZip } from './zip';

export interface DocumentReaderSettings {
  /** Reader threads (documents read at once by this process). */
  threads: number;
  /** Memory limit of one document's reading (the reader thread's heap, and heap plus buffers while it reads). */
  documentMemoryLimitMb: number;
  limits?: Partial<ExtractLimits>;
  /** Each e-mail's budget across all its documents. */
  emailBudget?: EmailBudgetSize;
}

export interface ExtractOptions {
  limits?: Partial<ExtractLimits>;
  /** The e-mail's budget, shared by all its documents; a fresh one from the settings when absent. */
  budget?: EmailBudget;
  /**
   * The caller gives up `input.bytes`: when the buffer owns its memory, that memory is moved to a reader thread
   * instead of copied (the buffer is left empty; invoices carry the bytes back). For big documents, this keeps the
   * event loop from touching their bytes at all.
   */
  handOver?: boolean;
}

interface Source {
  name: string;
  bytes: Buffer;
  kind: SniffedKind;
  archiveName?: string;
  /** The reader may move `bytes` to a thread (its own copy, or the caller handed it over). */
  movable: boolean;
}

export class DocumentReader {
  private readonly pool: ReaderPool;

  constructor(private readonly settings: DocumentReaderSettings) {
    this.pool = new ReaderPool({ threads: settings.threads, memoryLimitMb: settings.documentMemoryLimitMb });
  }

  /** A fresh budget for one e-mail, from the settings (`size` overrides them). */
  newEmailBudget(size?: Partial<EmailBudgetSize>): EmailBudget {
    return new EmailBudget({ ...DEFAULT_EMAIL_BUDGET, ...this.settings.emailBudget, ...size });
  }

  /** Starts the reader threads ahead of the first document; resolves once they are warm (see ReaderPool.start). */
  start(): Promise<void> {
    return this.pool.start();
  }

  /** Per warm reader thread, what its warm-up did (pdfjs's worker loaded, sample invoices read). */
  get warmThreadReports(): ReadonlyMap<number, WarmUpReport> {
    return this.pool.warmThreadReports;
  }

  /** True once the readers were closed (shutdown): readings that failed since say nothing about the documents. */
  get closed(): boolean {
    return this.pool.isClosed;
  }

  /** The reader threads' ids (tests check a thread stopped for its budget is replaced). */
  get threadIds(): number[] {
    return this.pool.threadIds;
  }

  async extract(input: DocumentInput, options: ExtractOptions = {}): Promise<DocumentResult> {
    const lim = resolveLimits(this.settings.limits, options.limits);
    const budget = options.budget ?? this.newEmailBudget();
    try {
      const { bytes } = input;
      if (bytes.length > lim.maxAttachmentBytes) {
        return outcome(
          'limit-exceeded',
          `document is ${bytes.length} bytes, over the ${lim.maxAttachmentBytes}-byte limit`,
        );
      }
      const refusal = budget.refusal(bytes.length);
      if (refusal !== null) return outcome('limit-exceeded', refusal);
      budget.spendBytes(bytes.length);
      const kind = sniffKind(bytes);
      const warnings = declaredTypeWarnings(input, kind);
      if (kind === 'zip') return withWarnings(await this.extractZip(input.name, bytes, lim, budget), warnings);
      const src: Source = { name: input.name, bytes, kind, movable: options.handOver === true };
      return withWarnings(await this.extractSingle(src, lim, budget), warnings);
    } catch (err) {
      return outcome('unreadable', `extraction failed unexpectedly: ${errorMessage(err)}`);
    }
  }

  /** Stops the reader threads (graceful shutdown, test teardown). Safe to call twice. */
  close(): Promise<void> {
    return this.pool.close();
  }

  private async extractSingle(src: Source, lim: ExtractLimits, budget: EmailBudget): Promise<DocumentResult> {
    switch (src.kind) {
      case 'empty':
        return outcome(
          'empty',
          src.bytes.length === 0 ? 'document is empty (0 bytes)' : 'document holds only whitespace',
        );
      case 'xml':
      case 'pdf':
        return this.readInPool(src, src.kind, lim, budget);
      case 'zip':
        return outcome('unsupported', 'nested archive not followed');
      default:
        return outcome('unsupported', 'content is neither PDF, XML nor ZIP');
    }
  }

  private async readInPool(
    src: Source,
    kind: 'xml' | 'pdf',
    lim: ExtractLimits,
    budget: EmailBudget,
  ): Promise<DocumentResult> {
    if (budget.timeLeftMs <= 0) return outcome('limit-exceeded', budget.timeSpentReason());
    const emailBound = budget.timeLeftMs < lim.documentTimeLimitMs;
    const timeLimitMs = Math.min(lim.documentTimeLimitMs, budget.timeLeftMs);
    const size = src.bytes.length;
    const read = await this.pool.read(
      {
        kind,
        bytes: src.bytes,
        maxPdfPages: lim.maxPdfPages,
        maxEmbeddedBytes: Math.min(lim.maxAttachmentBytes, budget.bytesLeft),
      },
      timeLimitMs,
      src.movable,
    );
    budget.spendTime(read.elapsedMs);
    if (!read.ok) {
      if (read.stopped === 'failed') return outcome('unreadable', read.reason);
      const why =
        read.stopped === 'time' && emailBound
          ? `reading stopped after ${timeLimitMs} ms: the e-mail's reading time budget of ${budget.size.timeMs} ms ran out`
          : read.reason;
      return outcome('limit-exceeded', why);
    }
    const { reading } = read;
    budget.spendBytes(reading.embeddedBytes);
    if (!reading.found)
      return { outcome: reading.outcome, reason: reading.reason, invoices: [], warnings: reading.warnings };
    const entry: ExtractedInvoice = {
      invoice: reading.invoice,
      sourceName: src.name,
      contentType: contentTypeFor(src.kind),
      size,
      sha256: reading.sha256,
      bytes: Buffer.from(read.bytes.buffer, read.bytes.byteOffset, read.bytes.byteLength),
      warnings: reading.warnings,
    };
    if (src.archiveName !== undefined) entry.archiveName = src.archiveName;
    return { outcome: 'extracted', reason: reading.reason, invoices: [entry], warnings: [] };
  }

  private async extractZip(
    name: string,
    bytes: Buffer,
    lim: ExtractLimits,
    budget: EmailBudget,
  ): Promise<DocumentResult> {
    const warnings: string[] = [];
    const invoices: ExtractedInvoice[] = [];
    const memberOutcomes: DocumentOutcome[] = [];
    const zip = await readZip(bytes, lim, budget, async (member) => {
      const kind = sniffKind(member.bytes);
      if (kind === 'zip') {
        warnings.push(`nested archive ${member.name} not followed`);
        return;
      }
      if (kind !== 'pdf' && kind !== 'xml') {
        warnings.push(`member ${member.name} is neither PDF nor XML; skipped`);
        return;
      }
      const res = await this.readInPool(
        { name: member.name, bytes: member.bytes, kind, archiveName: name, movable: true },
        kind,
        lim,
        budget,
      );
      memberOutcomes.push(res.outcome);
      invoices.push(...res.invoices);
      if (res.outcome !== 'extracted') warnings.push(`member ${member.name}: ${res.reason}`);
      warnings.push(...res.warnings.map((w) => `member ${member.name}: ${w}`));
    });
    warnings.push(...zip.warnings);
    if (zip.failure !== null) {
      warnings.push(zip.failure.reason);
      if (invoices.length > 0)
        return {
          outcome: 'extracted',
          reason: `${invoices.length} invoice(s) read from ZIP before: ${zip.failure.reason}`,
          invoices,
          warnings,
        };
      return { outcome: zip.failure.outcome, reason: zip.failure.reason, invoices, warnings };
    }
    if (invoices.length > 0)
      return {
        outcome: 'extracted',
        reason: `${invoices.length} invoice(s) read from ${zip.visited} ZIP member(s)`,
        invoices,
        warnings,
      };
    if (memberOutcomes.length === 0)
      return { outcome: 'not-an-invoice', reason: 'ZIP holds no PDF or XML document', invoices, warnings };
    const only = memberOutcomes.every((o) => o === memberOutcomes[0]) ? memberOutcomes[0] : undefined;
    return {
      outcome: only ?? 'not-an-invoice',
      reason: `no invoice in ${memberOutcomes.length} ZIP document member(s)`,
      invoices,
      warnings,
    };
  }
}

function outcome(kind: DocumentOutcome, reason: string): DocumentResult {
  return { outcome: kind, reason, invoices: [], warnings: [] };
}

function withWarnings(result: DocumentResult, warnings: string[]): DocumentResult {
  return warnings.length === 0 ? result : { ...result, warnings: [...warnings, ...result.warnings] };
}

/** A name or content type that disagrees with the sniffed content is worth a warning (the content wins). */
function declaredTypeWarnings(input: DocumentInput, kind: SniffedKind): string[] {
  const ext = /\.([a-z0-9]+)$/i.exec(input.name)?.[1]?.toLowerCase() ?? null;
  const expected: Partial<Record<SniffedKind, string[]>> = { pdf: ['pdf'], xml: ['xml'], zip: ['zip'] };
  const exts = expected[kind];
  if (exts !== undefined && ext !== null && ['pdf', 'xml', 'zip'].includes(ext) && !exts.includes(ext)) {
    return [`${input.name} is named .${ext} but its content is ${kind.toUpperCase()}`];
  }
  return [];
}
