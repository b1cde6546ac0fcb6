export {};

/**
 * `pnpm bench`: quality and speed of the DSP, each beside a baseline measured in the same run.
 * `pnpm bench resampler` or `pnpm bench jitter` runs one part.
 */
const parts: Record<string, () => Promise<{ run(): Promise<void> | void }>> = {
  resampler: () => import('./resampler.ts'),
  jitter: () => import('./jitter.ts'),
};
const wanted = process.argv.slice(2).filter((a) => a in parts);
for (const name of wanted.length ? wanted : Object.keys(parts)) {
  console.log(`\n#### ${name}`);
  await (await parts[name]!()).run();
}
