// One DocumentReader per test file, closed after the file: two reader threads (production runs one), the production
// defaults otherwise.
import { DocumentReader, type DocumentInput, type DocumentResult, type ExtractLimits } from '../../src/extract';

export function testReader(): {
  reader: DocumentReader;
  extractDocument: (input: DocumentInput, limits?: Partial<ExtractLimits>) => Promise<DocumentResult>;
} {
  const reader = new DocumentReader({ threads: 2, documentMemoryLimitMb: 256 });
  afterAll(() => reader.close());
  return { reader, extractDocument: (input, limits) => reader.extract(input, { limits }) };
}
