/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.check.json' }]
  },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  // Coverage is collected on every run so that the evaluator's threshold is enforced by npm test.
  collectCoverage: true,
  collectCoverageFrom: ['src/**/*.ts'],
  coverageReporters: ['text-summary', 'lcov'],
  coverageThreshold: {
    './src/evaluate/': { lines: 95, branches: 95 }
  },
  testTimeout: 30000,
  // `npm test` says little when it passes: the counts, and every failure in full when one fails.
  reporters: [['summary', { summaryThreshold: 0 }]]
}
