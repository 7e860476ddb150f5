/**
 * ESLint flat config: mini-program code (CommonJS, WeChat globals), tests (Jest) and Node scripts.
 */
const js = require('@eslint/js');
const globals = require('globals');

const miniprogramGlobals = {
  wx: 'readonly',
  App: 'readonly',
  Page: 'readonly',
  Component: 'readonly',
  getApp: 'readonly',
  getCurrentPages: 'readonly',
  Behavior: 'readonly',
  requirePlugin: 'readonly',
  // The mini-program runtime's timers and console (it has no window or document).
  console: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  setInterval: 'readonly',
  clearInterval: 'readonly',
};

module.exports = [
  { ignores: ['node_modules/**', 'miniprogram_npm/**', 'coverage/**'] },
  js.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: 'commonjs',
      globals: { ...globals.commonjs, ...miniprogramGlobals },
    },
    rules: {
      'no-unused-vars': ['error', { args: 'after-used', caughtErrors: 'none' }],
      'no-var': 'error',
      'prefer-const': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': ['warn', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['tests/**/*.js', 'scripts/**/*.js', 'eslint.config.js', 'jest.config.js'],
    languageOptions: {
      globals: { ...globals.node, ...globals.jest, document: 'readonly' },
    },
    rules: { 'no-console': 'off' },
  },
];
