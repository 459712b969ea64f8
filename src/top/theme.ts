/** The colours of `swarmlab top`: a foreground and a background for each part of the screen. */
export const THEME_ROLES = ['header', 'selected', 'normal', 'status', 'barDone', 'barLeft', 'error'] as const;
export type ThemeRole = (typeof THEME_ROLES)[number];

/** A colour name (COLOUR_NAMES), #rgb or #rrggbb; undefined or 'default': the terminal's own. */
export interface Paint {
  fg?: string;
  bg?: string;
}
export type Theme = Record<ThemeRole, Paint>;
export type PartialTheme = Partial<Record<ThemeRole, Paint>>;

/** The 16 colours every terminal has (ink passes them to chalk), and 'default'. */
export const COLOUR_NAMES = [
  'default',
  'black',
  'red',
  'green',
  'yellow',
  'blue',
  'magenta',
  'cyan',
  'white',
  'gray',
  'grey',
  'blackBright',
  'redBright',
  'greenBright',
  'yellowBright',
  'blueBright',
  'magentaBright',
  'cyanBright',
  'whiteBright',
] as const;

export const ALLOWED_COLOURS = `${COLOUR_NAMES.join(', ')}, or #rrggbb`;

export const DEFAULT_THEME: Theme = {
  header: { fg: 'black', bg: 'cyan' },
  selected: { fg: 'black', bg: 'yellow' },
  normal: {},
  status: { fg: 'black', bg: 'white' },
  barDone: { fg: 'green' },
  barLeft: { fg: 'gray' },
  error: { fg: 'redBright' },
};

export function isColour(value: string): boolean {
  return (COLOUR_NAMES as readonly string[]).includes(value) || /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(value);
}

/** `over`'s colours where it names one, `under`'s elsewhere (the command line's over the config file's over the defaults). */
export function mergeTheme(under: Theme, over: PartialTheme): Theme {
  const merged = { ...under };
  for (const role of THEME_ROLES) merged[role] = { ...under[role], ...over[role] };
  return merged;
}
