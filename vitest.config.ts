import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/integration/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Many files spawn real ffmpeg encoders, decoders and servers that run in real time: on two
    // cores, files run one after another so no test starves another's real-time work.
    fileParallelism: false,
  },
});
