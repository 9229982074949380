// Live progress on stderr (cli-progress): done/total, rate, ETA, one bar per measure.
import cliProgress from 'cli-progress';

export interface Bars {
  bar(label: string, total: number): (value: number) => void;
  stop(): void;
}

export function progressBars(): Bars {
  const started = new Map<string, number>();
  const multi = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      format: '{label} |{bar}| {value}/{total} | {rate}/s | ETA {eta_formatted}',
      barsize: 30,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      etaBuffer: 20,
      fps: 5,
      noTTYOutput: !process.stderr.isTTY,
      notTTYSchedule: 5000,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    bar(label, total) {
      const b = multi.create(total, 0, { label: label.padEnd(16), rate: '0.0' });
      return (value) => {
        const now = Date.now();
        if (!started.has(label) && value > 0) started.set(label, now);
        const since = started.get(label) ?? now;
        const rate = value > 0 && now > since ? (value / ((now - since) / 1000)).toFixed(1) : '0.0';
        b.update(Math.min(value, total), { label: label.padEnd(16), rate });
      };
    },
    stop: () => multi.stop(),
  };
}
