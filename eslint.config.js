import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const nodeGlobals = {
  process: 'readonly',
  console: 'readonly',
  performance: 'readonly',
  Buffer: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly'
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: nodeGlobals },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-exports': ['error', { restrictDefaultExports: { direct: true } }]
    }
  },
  // The shape of the action's own code (../shared/STYLE.md; issue 28): small functions and files,
  // lines a reader need not scroll, except for a URL.
  {
    files: ['src/**/*.ts'],
    rules: {
      'max-lines-per-function': ['error', { max: 60 }],
      'max-lines': ['error', { max: 300 }],
      'max-len': ['error', { code: 120, ignoreUrls: true }]
    }
  },
  // Config files and jest's global setup/teardown must export default; that is their interface.
  { files: ['*.js', '__tests__/global/*.js'], rules: { 'no-restricted-exports': 'off' } }
)
