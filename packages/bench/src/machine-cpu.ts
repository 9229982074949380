// Where the machine's CPU went during the run, beside the apps: Redis, and the bench process itself (graph-sim,
// ms4-sim and the bench's own sampling run in it). On a CPU-bound run, what the apps do not use is spent here.

import os from 'node:os';
import { cpuSeconds, round2 } from './stats';

export interface MachineCpu {
  /** CPU seconds of the three apps (the sum of cpuSeconds). */
  appsSeconds: number;
  redisSeconds: number;
  /** The bench process: graph-sim, ms4-sim, the progress and memory samplers. */
  benchAndSimulatorsSeconds: number;
  /** All three over the run's wall time times the machine's cores: 1 is a machine busy throughout. */
  busyShare: number;
}

export interface OutsideAppsClock {
  /** CPU seconds Redis and the bench process used since the clock started. */
  read(): { redisSeconds: number; benchAndSimulatorsSeconds: number };
}

const ownCpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** `redisPid`: the benchmark's own redis-server, which it started. */
export function startOutsideAppsClock(redisPid: number): OutsideAppsClock {
  const redisAtStart = cpuSeconds(redisPid);
  const benchAtStart = ownCpuSeconds();
  return {
    read: () => ({
      redisSeconds: round2(cpuSeconds(redisPid) - redisAtStart),
      benchAndSimulatorsSeconds: round2(ownCpuSeconds() - benchAtStart),
    }),
  };
}

export function machineCpu(
  appsSeconds: number,
  outside: { redisSeconds: number; benchAndSimulatorsSeconds: number },
  wallSeconds: number,
): MachineCpu {
  const total = appsSeconds + outside.redisSeconds + outside.benchAndSimulatorsSeconds;
  return {
    appsSeconds: round2(appsSeconds),
    ...outside,
    busyShare: round2(total / Math.max(1e-9, wallSeconds * os.availableParallelism())),
  };
}
