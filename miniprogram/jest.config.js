/** Jest: jsdom environment (miniprogram-simulate needs `window`), tests under tests/. */
module.exports = {
  testEnvironment: 'jsdom',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.js'],
  setupFiles: ['<rootDir>/tests/helpers/setup.js'],
  restoreMocks: true,
  modulePathIgnorePatterns: ['<rootDir>/miniprogram_npm/'],
};
