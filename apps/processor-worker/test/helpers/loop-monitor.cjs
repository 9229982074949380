/* global setInterval */
// Preloaded into a processor-worker by health-under-load.int.test.ts (NODE_OPTIONS=--require): measures how long
// the process's main thread was busy between two turns of its event loop, in CPU time of that thread. That is what
// the processor does to /health (answered on this loop); time the machine did not give the process (a busy host)
// is not counted, unlike a wall-clock delay. A 10 ms timer compares, at each turn, the thread's CPU time and the wall
// time since the previous turn; the largest of each is written to LOOP_MONITOR_FILE as JSON when it grows, and every
// WRITE_EVERY_TURNS turns all the same so that the count of turns read by the test is current. SIGUSR2 starts over (the test sends it once start-up, which loads every module at once, is done).
const fs = require('node:fs');
const { performance } = require('node:perf_hooks');
const { isMainThread } = require('node:worker_threads');

const file = process.env.LOOP_MONITOR_FILE;
const INTERVAL_MS = 10;
const WRITE_EVERY_TURNS = 20;

// Reader threads get this preload too; only the main thread's loop answers /health.
if (file && isMainThread) {
  const cpuMs = () => {
    const u = process.threadCpuUsage();
    return (u.user + u.system) / 1000;
  };
  let lastWall = performance.now();
  let lastCpu = cpuMs();
  let worst = { busyCpuMs: 0, gapMs: 0, turns: 0, since: new Date().toISOString() };
  // Written aside and renamed: the test never reads a half-written file.
  const write = () => {
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(worst));
    fs.renameSync(`${file}.tmp`, file);
  };
  write();
  const timer = setInterval(() => {
    const wall = performance.now();
    const cpu = cpuMs();
    // CPU time this thread spent since the timer's previous turn, and the wall time between the two turns.
    const busy = cpu - lastCpu;
    const gap = wall - lastWall;
    lastWall = wall;
    lastCpu = cpu;
    worst.turns++;
    if (busy > worst.busyCpuMs || gap > worst.gapMs) {
      worst.busyCpuMs = Math.max(worst.busyCpuMs, Math.round(busy));
      worst.gapMs = Math.max(worst.gapMs, Math.round(gap));
      write();
    } else if (worst.turns % WRITE_EVERY_TURNS === 0) {
      write();
    }
  }, INTERVAL_MS);
  timer.unref();
  process.on('SIGUSR2', () => {
    worst = { busyCpuMs: 0, gapMs: 0, turns: 0, since: new Date().toISOString() };
    lastWall = performance.now();
    lastCpu = cpuMs();
    write();
  });
}
