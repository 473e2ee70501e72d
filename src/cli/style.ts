// How output looks: colours and icons on a terminal, plain words when piped (scripts, CI logs, tests).
import pc from 'picocolors';
import { assertNever } from '../util/assert-never.js';

type Paint = (text: string) => string;

export interface Style {
  /** Status glyphs (✔ ✖ ◌ ॥ …). Off when piped, so scripts see only words. */
  readonly icons: boolean;
  readonly green: Paint;
  readonly red: Paint;
  readonly yellow: Paint;
  readonly cyan: Paint;
  readonly gray: Paint;
  readonly bold: Paint;
}

const identity: Paint = (text) => text;

export const PLAIN_STYLE: Style = {
  icons: false,
  green: identity,
  red: identity,
  yellow: identity,
  cyan: identity,
  gray: identity,
  bold: identity,
};

export function makeStyle(options: { icons: boolean; colour: boolean }): Style {
  const c = pc.createColors(options.colour);
  return {
    icons: options.icons,
    green: c.green,
    red: c.red,
    yellow: c.yellow,
    cyan: c.cyan,
    gray: c.gray,
    bold: c.bold,
  };
}

/** Icons and colours only on a terminal; NO_COLOR (https://no-color.org) and --no-color turn colour off. */
export function styleForStdout(options: { color?: boolean | undefined } = {}): Style {
  const tty = process.stdout.isTTY === true;
  const noColorEnv = (process.env['NO_COLOR'] ?? '') !== '';
  return makeStyle({ icons: tty, colour: tty && !noColorEnv && options.color !== false });
}

export type Tone = 'good' | 'bad' | 'busy' | 'paused' | 'warn' | 'idle';

const TONE_ICONS: Record<Tone, string> = {
  good: '✔',
  bad: '✖',
  busy: '◌',
  paused: '॥',
  warn: '⚠',
  idle: '•',
};

export function paintTone(style: Style, tone: Tone, text: string): string {
  switch (tone) {
    case 'good':
      return style.green(text);
    case 'bad':
      return style.red(text);
    case 'busy':
    case 'paused':
    case 'warn':
      return style.yellow(text);
    case 'idle':
      return style.gray(text);
    default:
      return assertNever(tone, 'tone');
  }
}

/** `✔ Healthy` on a terminal, `Healthy` when piped. */
export function badge(style: Style, tone: Tone, word: string): string {
  return paintTone(style, tone, style.icons ? `${TONE_ICONS[tone]} ${word}` : word);
}

export function toneIcon(style: Style, tone: Tone): string {
  return style.icons ? paintTone(style, tone, TONE_ICONS[tone]) : '';
}
