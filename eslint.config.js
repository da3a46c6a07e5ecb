import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', 'build/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' }
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error'
    }
  },
  {
    // Every text the action hands the runner is redacted first: src/runner.ts is its one door.
    files: ['src/**'],
    ignores: ['src/runner.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@actions/core',
              message: 'Use src/runner.ts, which redacts every text before the runner gets it.'
            }
          ]
        }
      ]
    }
  },
  {
    files: ['scripts/**', 'standin/**', '__tests__/**'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' }
  }
)
