// `pnpm sim:ms4 -- --port 4500`: starts the simulator and prints {"baseUrl","adminUrl"} as the first stdout line.
import { parseArgs, USAGE } from './args';
import { startMs4Sim } from './server';

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`ms4-sim: ${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (parsed.help) {
    console.log(USAGE);
    return;
  }
  const sim = await startMs4Sim(parsed.options);
  console.log(JSON.stringify({ baseUrl: sim.baseUrl, adminUrl: sim.adminUrl }));
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`ms4-sim: ${signal}, closing\n`);
    sim.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`ms4-sim: close failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`ms4-sim: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
