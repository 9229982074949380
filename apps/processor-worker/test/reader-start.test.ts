import { DocumentReader } from '../src/extract';
import { readFixture } from './helpers/fixtures';

describe('reader threads at start-up', () => {
  it('starts its threads before the first document (so they load pdfjs meanwhile), and none once closed', async () => {
    const reader = new DocumentReader({ threads: 2, documentMemoryLimitMb: 256 });
    try {
      expect(reader.threadIds).toEqual([]);
      reader.start();
      const started = reader.threadIds;
      expect(started).toHaveLength(2);
      reader.start();
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
    reader.start();
    expect(reader.threadIds).toEqual([]);
  });
});
