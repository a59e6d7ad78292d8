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
      testPathIgnorePatterns: ['/__tests__/real/', '/__tests__/helpers/']
    },
    // The bundled action against the real dockerd, buildx and registry; and the fixtures' own
    // tests, beside the fixtures in __tests__/helpers/, which start the real registry, network
    // namespaces and images as the fixtures do.
    {
      ...esm,
      displayName: 'real',
      testMatch: ['<rootDir>/__tests__/real/*.test.ts', '<rootDir>/__tests__/helpers/*.test.ts']
    }
  ],
  globalSetup: '<rootDir>/__tests__/global/setup.js',
  globalTeardown: '<rootDir>/__tests__/global/teardown.js',
  testTimeout: 120000
}
