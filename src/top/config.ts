import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeFileError } from '../cli/fileErrors.js';
import { jsonErrorPosition, lineAndColumn } from './jsonErrorPosition.js';
import { ALLOWED_COLOURS, DEFAULT_THEME, isColour, mergeTheme, THEME_ROLES, type Paint, type PartialTheme, type Theme, type ThemeRole } from './theme.js';
import type { RateUnit, UnitBase } from './units.js';

/** Everything `swarmlab top` lets the user choose about how it looks. */
export interface TopSettings {
  units: RateUnit;
  base: UnitBase;
  /** false: no colours at all (the selected row is shown in reverse video). */
  colour: boolean;
  theme: Theme;
}

/** What a config file or the command line sets; the rest comes from under it. */
export interface TopSettingsLayer {
  units?: RateUnit;
  base?: UnitBase;
  colour?: boolean;
  theme?: PartialTheme;
}

/** The config file is unreadable or malformed: the message names the file and what is wrong. */
export class TopConfigError extends Error {}

export const UNITS: readonly RateUnit[] = ['bytes', 'bits'];
export const BASES: readonly UnitBase[] = ['binary', 'decimal'];
const KEYS = ['units', 'base', 'colour', 'theme'];

/** $XDG_CONFIG_HOME/swarmlab/top.json, else ~/.config/swarmlab/top.json (the XDG base-directory convention). */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(os.homedir(), '.config');
  return path.join(base, 'swarmlab', 'top.json');
}

/**
 * Reads the config file: `file` (--config) must exist; the default one may
 * be missing (then it sets nothing).
 */
export async function readTopConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<TopSettingsLayer> {
  const chosen = file ?? defaultConfigPath(env);
  let text: string;
  try {
    text = await fs.readFile(chosen, 'utf8');
  } catch (error) {
    // Not isFileError: its instanceof fails for Node's own errors under jest's VM modules.
    const failure = error as NodeJS.ErrnoException;
    if (typeof failure?.code !== 'string') throw error;
    if (file === undefined && failure.code === 'ENOENT') return {};
    throw new TopConfigError(describeFileError(chosen, failure));
  }
  return parseTopConfig(text, chosen);
}

/** The config file's settings, checked: every error names `file`, the key and what it may be. */
export function parseTopConfig(text: string, file: string): TopSettingsLayer {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const { line, column } = lineAndColumn(text, jsonErrorPosition(text));
    throw new TopConfigError(`${file}: line ${line}, column ${column}: not valid JSON (${(error as Error).message})`);
  }
  const fail = (message: string): never => {
    throw new TopConfigError(`${file}: ${message}`);
  };
  const top = objectOrFail(json, 'the file', fail);
  for (const key of Object.keys(top)) if (!KEYS.includes(key)) fail(`unknown key "${key}": the keys are ${KEYS.join(', ')}`);
  const layer: TopSettingsLayer = {};
  if (top.units !== undefined) layer.units = oneOf(top.units, 'units', UNITS, fail);
  if (top.base !== undefined) layer.base = oneOf(top.base, 'base', BASES, fail);
  if (top.colour !== undefined) {
    if (typeof top.colour !== 'boolean') fail(`"colour" is ${JSON.stringify(top.colour)}: it takes true or false`);
    layer.colour = top.colour as boolean;
  }
  if (top.theme !== undefined) layer.theme = parseTheme(top.theme, fail);
  return layer;
}

/** The settings in force: the command line's over the file's over the defaults. */
export function resolveSettings(file: TopSettingsLayer, commandLine: TopSettingsLayer): TopSettings {
  return {
    units: commandLine.units ?? file.units ?? 'bytes',
    base: commandLine.base ?? file.base ?? 'binary',
    colour: commandLine.colour ?? file.colour ?? true,
    theme: mergeTheme(mergeTheme(DEFAULT_THEME, file.theme ?? {}), commandLine.theme ?? {}),
  };
}

/**
 * --theme's values, each ROLE.fg=COLOUR or ROLE.bg=COLOUR (e.g. header.bg=blue);
 * throws an Error that says which value is wrong and what is allowed.
 */
export function parseThemeFlags(values: readonly string[]): PartialTheme {
  const theme: PartialTheme = {};
  for (const value of values) {
    const match = /^(\w+)\.(fg|bg)=(.*)$/.exec(value);
    if (!match || !(THEME_ROLES as readonly string[]).includes(match[1]))
      throw new Error(`--theme takes PART.fg=COLOUR or PART.bg=COLOUR with PART one of ${THEME_ROLES.join(', ')}, got '${value}'`);
    const [, role, layer, colour] = match;
    if (!isColour(colour)) throw new Error(`--theme ${role}.${layer}: '${colour}' is not a colour: use ${ALLOWED_COLOURS}`);
    theme[role as ThemeRole] = { ...theme[role as ThemeRole], [layer]: colour };
  }
  return theme;
}

function parseTheme(value: unknown, fail: (message: string) => never): PartialTheme {
  const roles = objectOrFail(value, '"theme"', fail);
  const theme: PartialTheme = {};
  for (const [role, paint] of Object.entries(roles)) {
    if (!(THEME_ROLES as readonly string[]).includes(role)) fail(`unknown key "theme.${role}": the parts are ${THEME_ROLES.join(', ')}`);
    const layers = objectOrFail(paint, `"theme.${role}"`, fail);
    const checked: Paint = {};
    for (const [layer, colour] of Object.entries(layers)) {
      if (layer !== 'fg' && layer !== 'bg') fail(`unknown key "theme.${role}.${layer}": a part has "fg" (foreground) and "bg" (background)`);
      if (typeof colour !== 'string' || !isColour(colour)) fail(`"theme.${role}.${layer}" is ${JSON.stringify(colour)}: it takes ${ALLOWED_COLOURS}`);
      checked[layer as keyof Paint] = colour as string;
    }
    theme[role as ThemeRole] = checked;
  }
  return theme;
}

function objectOrFail(value: unknown, what: string, fail: (message: string) => never): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${what} must be a JSON object ({ ... }), got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

function oneOf<T extends string>(value: unknown, key: string, allowed: readonly T[], fail: (message: string) => never): T {
  if (!allowed.includes(value as T)) fail(`"${key}" is ${JSON.stringify(value)}: it takes ${allowed.map((a) => `"${a}"`).join(' or ')}`);
  return value as T;
}
