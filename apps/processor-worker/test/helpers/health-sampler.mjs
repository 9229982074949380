// Samples GET /health in its own small process (so the test runner's own pauses never count against the server):
// one warm-up request (fetch's first use loads its HTTP client; not counted), then prints "ready" and samples one
// request every INTERVAL ms, each with its timeout, until a line arrives on stdin; then prints the samples as JSON.
// Usage: node health-sampler.mjs <port> <intervalMs> <timeoutMs>
/* global AbortSignal */
import { performance } from 'node:perf_hooks';

const [port, intervalMs, timeoutMs] = process.argv.slice(2).map(Number);
const samples = [];
let stop = false;
process.stdin.on('data', () => {
  stop = true;
});

await fetch(`http://127.0.0.1:${port}/health`).then((res) => res.arrayBuffer());
process.stdout.write('ready\n');

while (!stop) {
  const started = performance.now();
  let status = null;
  let error = null;
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    status = res.status;
  } catch (err) {
    error = `${err.name}: ${err.message}`;
  }
  samples.push({ ms: Math.round(performance.now() - started), status, error });
  await new Promise((resolve) => setTimeout(resolve, intervalMs));
}
process.stdout.write(`${JSON.stringify(samples)}\n`);
process.exit(0);
