// Benchmark 1 as an A/B: this workspace's GenAI mapper against another build's (a worktree of an
// earlier commit: `git worktree add`, its packages/exporter/node_modules linked to this one's, `tsc -p`),
// side by side in one process, alternating rounds, same spans:
//   BASE=/tmp/base/packages/exporter/dist/index.js node bench/dist/ab-map.js
import { createGenAiMapper, type TraceMapper } from '@nexus-otel/exporter';
import { microsPerSpan, nexusSerialize, otlpSerialize, workloads } from './otlp-ratio.js';
import { median } from './round-trips.js';

async function main(): Promise<void> {
  const base = process.env['BASE'];
  if (!base) throw new Error('BASE=<path of the other build\'s packages/exporter/dist/index.js> is required');
  const other = (await import(base)) as { createGenAiMapper: () => TraceMapper };
  const rounds = Number(process.env['ROUNDS'] ?? 15);
  for (const workload of workloads()) {
    const current = createGenAiMapper();
    const previous = other.createGenAiMapper();
    const batch = workload.traces.flat();
    const runCurrent = (): void => workload.traces.forEach((spans) => nexusSerialize(current, spans));
    const runPrevious = (): void => workload.traces.forEach((spans) => nexusSerialize(previous, spans));
    const runOtlp = (): void => void otlpSerialize(batch);
    for (const run of [runPrevious, runCurrent, runOtlp]) microsPerSpan(run, 1, 800);
    const ratios: number[] = [];
    const previousToOtlp: number[] = [];
    const currentToOtlp: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const b = microsPerSpan(runPrevious, 1, 150);
      const c = microsPerSpan(runCurrent, 1, 150);
      const o = microsPerSpan(runOtlp, 1, 150);
      ratios.push(c / b);
      previousToOtlp.push(b / o);
      currentToOtlp.push(c / o);
    }
    console.log(
      `${workload.name}: this build / other ${median(ratios).toFixed(3)}×; other / OTLP ${median(previousToOtlp).toFixed(2)}×; this build / OTLP ${median(currentToOtlp).toFixed(2)}×`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
