import { createRequire } from 'module';

/**
 * yargs, loaded from its CommonJS build. Its ESM build formats --help with
 * cliui's stand-in wrapper, which cuts lines at a fixed column in the middle
 * of words ("7 the swa / rm failed"); the CommonJS build wraps at word
 * boundaries (wrap-ansi). Same package, same version, same API.
 */
const require = createRequire(import.meta.url);
export const yargs = require('yargs') as typeof import('yargs').default;
export const { hideBin } = require('yargs/helpers') as typeof import('yargs/helpers');
