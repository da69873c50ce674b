// Lint (`npm run lint`): ESLint's and typescript-eslint's recommended rules with type information, and a few
// type-aware rules this codebase already follows. Layout is prettier's job (`npm run format:check`): no rule here
// is about formatting. Layering is dependency-cruiser's (`npm run lint:deps`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'drizzle/', 'data/', 'coverage/', 'test-results/', 'adapters/web/public/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Events and intents are discriminated unions: a new member must reach every switch (STYLE.md).
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // `isolatedModules`: a type-only import says so and leaves no side-effect import behind (`typeof import()` types a lazy module).
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      // A promise returned from inside `try` without `await` skips the `catch`.
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // A handler that refers to the object it is registered for (`let x; server(() => x…); x = …`) cannot be const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // `_name` marks a parameter an interface requires but this implementation does not use; `{ omitted, ...rest }` drops a field.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // `async` methods with no `await` implement Promise-returning interfaces (ChannelAdapter) and turn throws into rejections.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests read JSON that they parse themselves and hand methods to `expect`: `any` there is checked by the assertions.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // The terminal-text escaper and its test match control characters on purpose.
    files: ['src/safety/terminal-text.ts', 'test/cli-hostile.test.ts'],
    rules: { 'no-control-regex': 'off' },
  },
  {
    // Configuration files in plain JavaScript, outside the TypeScript project.
    files: ['**/*.js', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
);
