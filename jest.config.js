import { createDefaultEsmPreset } from 'ts-jest';

/** ESM (toolchain.md): ts-jest's ESM preset; sources import './x.js', mapped back to the .ts files. */
export default {
  ...createDefaultEsmPreset({ tsconfig: 'tsconfig.json' }),
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};
