import { parseArgs } from '../src/args';

describe('s3-sim arguments', () => {
  it('reads the options, ignoring a bare -- as pnpm passes it', () => {
    expect(parseArgs(['--', '--port', '4569', '--bucket=invoices', '--region', 'eu-west-1'])).toEqual({
      help: false,
      options: { port: 4569, bucket: 'invoices', region: 'eu-west-1' },
    });
    expect(parseArgs(['--help'])).toEqual({ help: true });
  });

  it('refuses bad values with a message naming the flag', () => {
    expect(() => parseArgs(['--port', 'x'])).toThrow(/--port: expected a port number/);
    expect(() => parseArgs(['--bucket', 'Bad_Bucket'])).toThrow(/--bucket: not a valid S3 bucket name/);
    expect(() => parseArgs(['--access-key-id', 'k'])).toThrow(/go together/);
    expect(() => parseArgs(['--port'])).toThrow(/a value is required/);
  });
});
