// `pnpm sim:s3 -- --port 4569`: starts the S3 simulator and prints its endpoint and credentials as the first stdout line.
import { parseArgs, USAGE } from './args';
import { startS3Sim } from './server';

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`s3-sim: ${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (parsed.help) {
    console.log(USAGE);
    return;
  }
  const sim = await startS3Sim(parsed.options);
  const { endpoint, region, bucket, accessKeyId, secretAccessKey } = sim;
  console.log(JSON.stringify({ endpoint, region, bucket, accessKeyId, secretAccessKey }));
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`s3-sim: ${signal}, closing\n`);
    sim.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`s3-sim: close failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`s3-sim: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
