// Prometheus exposition (/metrics) through prom-client, one registry per engine so that
// several engines in one process (tests, a multi-channel host) never mix their figures.
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface EngineMetricsSource {
  version: string;
  uptimeSeconds(): number;
  ffmpegAvailable(): boolean;
}

export function createMetricsRegistry(source: EngineMetricsSource): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'studio_' });
  new Gauge({
    name: 'studio_build_info',
    help: 'Studio version; always 1.',
    labelNames: ['version'],
    registers: [registry],
  }).set({ version: source.version }, 1);
  new Gauge({
    name: 'studio_uptime_seconds',
    help: 'Seconds since the engine started.',
    registers: [registry],
    collect() {
      this.set(source.uptimeSeconds());
    },
  });
  new Gauge({
    name: 'studio_ffmpeg_available',
    help: '1 when a usable ffmpeg was found and probed, else 0.',
    registers: [registry],
    collect() {
      this.set(source.ffmpegAvailable() ? 1 : 0);
    },
  });
  return registry;
}
