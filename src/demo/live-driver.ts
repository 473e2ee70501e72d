// Puts the live view on the screen: on a terminal the frame is redrawn in place; anywhere else (CI logs, pipes)
// only what changed is written, one plain line each.
import { describeChanges, renderFrame, type ViewContext } from './live-view.js';
import type { DemoState } from './demo-state.js';

export interface LiveOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** A line no wider than the terminal (a wrapped line would break the cursor arithmetic of the redraw). */
export function fitLine(line: string, columns: number): string {
  const visible = line.replace(ANSI, '');
  if (visible.length <= columns) return line;
  return `${visible.slice(0, Math.max(0, columns - 1))}…`;
}

export class LiveDriver {
  private readonly out: LiveOutput;
  private readonly ctx: ViewContext;
  private readonly inPlace: boolean;
  private previous: DemoState | undefined;
  private drawnLines = 0;

  constructor(out: LiveOutput, ctx: ViewContext) {
    this.out = out;
    this.ctx = ctx;
    this.inPlace = out.isTTY === true;
  }

  update(state: DemoState): void {
    if (this.inPlace) this.redraw(state);
    else for (const line of describeChanges(this.previous, state, this.ctx)) this.out.write(`${line}\n`);
    this.previous = state;
  }

  /** Leaves the last frame on screen; what is written next goes below it. */
  finish(): void {
    this.drawnLines = 0;
  }

  private redraw(state: DemoState): void {
    const columns = Math.max(40, this.out.columns ?? 100);
    const lines = renderFrame(state, this.ctx).map((line) => fitLine(line, columns));
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A` : '';
    this.out.write(`${up}\x1b[J${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
  }
}
