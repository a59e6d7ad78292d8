// ESM throughout (the @actions/* packages ship only ESM): ts-jest's ESM preset,
// run with --experimental-vm-modules by `npm test`.
const esm = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] }
}

export default {
  projects: [
    // Pure modules: plain data in, plain data out, no machine state.
    // Laid out as src/ is: __tests__/plan/plan.test.ts tests src/plan/plan.ts.
    {
      ...esm,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['/__tests__/real/']
    },
    // The bundled action against the real dockerd, buildx and registry.
    { ...esm, displayName: 'real', testMatch: ['<rootDir>/__tests__/real/*.test.ts'] }
  ],
  globalSetup: '<rootDir>/__tests__/global/setup.js',
  globalTeardown: '<rootDir>/__tests__/global/teardown.js',
  testTimeout: 120000
}
