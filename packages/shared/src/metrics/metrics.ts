import type { SourceQueue } from '../queues/names';
import type { JobOf, TypedWorker } from '../queues/worker-factory';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Per-app Prometheus metrics (prom-client): process defaults plus the job and Graph counters every app shares.
 * Apps add their own (the sender's batches, for instance) to `registry`.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly jobs: Counter<'queue' | 'job' | 'result'>;
  readonly jobSeconds: Histogram<'queue' | 'job'>;
  readonly graphRequests: Counter<'status'>;

  constructor(app: string) {
    this.registry.setDefaultLabels({ app });
    collectDefaultMetrics({ register: this.registry, prefix: 'ms1_' });
    this.jobs = new Counter({
      name: 'ms1_jobs_total',
      help: 'Jobs finished, by queue, job name and result',
      labelNames: ['queue', 'job', 'result'],
      registers: [this.registry],
    });
    this.jobSeconds = new Histogram({
      name: 'ms1_job_duration_seconds',
      help: 'Processing time of completed jobs',
      labelNames: ['queue', 'job'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [this.registry],
    });
    this.graphRequests = new Counter({
      name: 'ms1_graph_requests_total',
      help: 'Microsoft Graph requests by HTTP status (0: network error; 429: throttled)',
      labelNames: ['status'],
      registers: [this.registry],
    });
  }

  /** Counts a worker's completed and failed jobs. */
  observe<Q extends SourceQueue>(worker: TypedWorker<Q>, queue: Q): void {
    const record = (job: JobOf<Q> | undefined, result: 'completed' | 'failed') => {
      if (!job) return;
      this.jobs.inc({ queue, job: job.name, result });
      if (result === 'completed' && job.processedOn && job.finishedOn)
        this.jobSeconds.observe({ queue, job: job.name }, (job.finishedOn - job.processedOn) / 1000);
    };
    worker.on('completed', (job) => record(job, 'completed'));
    worker.on('failed', (job) => record(job, 'failed'));
  }

  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
