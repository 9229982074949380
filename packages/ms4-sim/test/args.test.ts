// Command-line parsing of `pnpm sim:ms4`.
import { parseArgs } from '../src/args';

describe('ms4-sim parseArgs', () => {
  it('ignores a bare -- and maps flags to options', () => {
    expect(
      parseArgs([
        '--',
        '--port',
        '4500',
        '--host=0.0.0.0',
        '--api-token',
        't',
        '--error-rate',
        '0.2',
        '--partial-rate',
        '0.1',
        '--latency-ms',
        '20',
        '--jitter-ms',
        '5',
        '--rate-limit',
        '0.05',
        '--retry-after',
        '3',
        '--max-items',
        '500',
        '--outage-starts-in-ms',
        '1000',
        '--outage-ms',
        '2000',
        '--allow-unknown-fields',
      ]),
    ).toEqual({
      help: false,
      options: {
        port: 4500,
        host: '0.0.0.0',
        apiToken: 't',
        errorRate: 0.2,
        partialFailureRate: 0.1,
        latency: { fixedMs: 20, jitterMs: 5 },
        rateLimit: { rate: 0.05, retryAfterSeconds: 3 },
        maxItems: 500,
        outage: { startsInMs: 1000, durationMs: 2000 },
        allowUnknownFields: true,
      },
    });
  });

  it('refuses unknown flags and missing or non-numeric values', () => {
    expect(() => parseArgs(['--colour', 'red'])).toThrow(/unknown option/);
    expect(() => parseArgs(['--port'])).toThrow(/value is required/);
    expect(() => parseArgs(['--port', 'abc'])).toThrow(/expected a number/);
    expect(parseArgs(['--help'])).toEqual({ help: true });
  });
});
