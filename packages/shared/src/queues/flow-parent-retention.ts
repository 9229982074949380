import type { JobsOptions } from 'bullmq';

type Keep = JobsOptions['removeOnComplete'];

/**
 * How many completed flow parents to keep. A completed parent keeps every child's result (its `processed` hash)
 * for as long as it is kept, so keeping as many parents as jobs would keep `count` times a page of results: 2,000
 * delta pages of 50 e-mails held 37 MB at 100,000 e-mails. A parent of `children` keeps 1/children of the count
 * (at least 1), so the kept parents hold about as many results as the queues keep jobs. Age is unchanged.
 */
export function flowParentRetention(keep: Keep, children: number): Keep {
  // A count of 0 (remove at once) stays 0.
  const share = (count: number) => (count <= 0 ? count : Math.max(1, Math.ceil(count / Math.max(1, children))));
  if (typeof keep === 'number') return share(keep);
  if (typeof keep === 'object' && keep.count !== undefined) return { ...keep, count: share(keep.count) };
  return keep;
}
