import { DocumentReader } from '../src/extract';
import { WARM_UP_SAMPLES } from '../src/extract/warm-up-samples';
import { readFixture } from './helpers/fixtures';

describe('reader threads at start-up', () => {
  it('starts its threads before the first document and resolves once each has loaded pdfjs and read the samples', async () => {
    const reader = new DocumentReader({ threads: 2, documentMemoryLimitMb: 256 });
    try {
      expect(reader.threadIds).toEqual([]);
      const warm = reader.start();
      const started = reader.threadIds;
      expect(started).toHaveLength(2);
      expect(reader.warmThreadReports.size).toBe(0);
      await warm;
      // Each thread reported in before start() resolved, with pdfjs's worker module loaded (not left to the first PDF)
      // and every sample invoice read.
      const warmedUp = { pdfjsWorker: true, samplesFound: WARM_UP_SAMPLES.length };
      expect(new Map(reader.warmThreadReports)).toEqual(new Map(started.map((id) => [id, warmedUp])));
      await reader.start();
      expect(reader.threadIds).toEqual(started);
      const result = await reader.extract({
        name: 'invoice.xml',
        contentType: 'application/xml',
        bytes: readFixture('ubl/ubl-tc434-example1.xml'),
      });
      expect(result.outcome).toBe('extracted');
      expect(reader.threadIds).toEqual(started);
    } finally {
      await reader.close();
    }
    await reader.start();
    expect(reader.threadIds).toEqual([]);
  });
});
