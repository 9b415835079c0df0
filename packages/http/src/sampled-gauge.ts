import { Gauge, type Registry } from "prom-client";

export interface Sample<L extends string> {
  labels: Record<L, string | number>;
  value: number;
}

/**
 * A gauge read from elsewhere at each scrape (consumer lag from Kafka, queue depth from SQS) rather
 * than counted in this process. When the read fails the gauge has no series for that scrape, so
 * `/metrics` still answers and an `absent(...)` rule can tell; the failure goes to `onError`.
 */
export function sampledGauge<L extends string>(options: {
  registry: Registry;
  name: string;
  help: string;
  labelNames: readonly L[];
  sample: () => Promise<readonly Sample<L>[]>;
  onError: (err: unknown) => void;
}): Gauge<L> {
  const { sample, onError } = options;
  return new Gauge<L>({
    name: options.name,
    help: options.help,
    labelNames: options.labelNames,
    registers: [options.registry],
    async collect() {
      this.reset();
      try {
        for (const { labels, value } of await sample())
          this.set(labels as Partial<Record<L, string | number>>, value);
      } catch (err) {
        onError(err);
      }
    },
  });
}
