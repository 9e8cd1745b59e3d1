/**
 * A minimal terminal for tests: replays what a program wrote (\r, \n, ESC[K, ESC[nG, other
 * escapes ignored) on a screen `width` columns wide, and records every time a line wrapped.
 */
export interface Screen {
  lines: string[];
  /** How many times a line overflowed the width, and those lines (a redraw that wraps fills the screen with copies). */
  wraps: number;
  wrapped: string[];
}

export function replay(output: string, width: number): Screen {
  const lines: string[][] = [[]];
  let row = 0;
  let col = 0;
  let wraps = 0;
  const wrapped: string[] = [];
  for (let i = 0; i < output.length; i++) {
    const ch = output[i]!;
    if (ch === '\r') col = 0;
    else if (ch === '\n') {
      row++;
      col = 0;
      lines[row] ??= [];
    } else if (ch === '\x1b') {
      const csi = /^\x1b\[([\d;?]*)([A-Za-z])/.exec(output.slice(i, i + 16));
      if (csi) {
        if (csi[2] === 'K') lines[row]!.length = Math.min(lines[row]!.length, col);
        if (csi[2] === 'G') col = Math.max(0, Number(csi[1] || '1') - 1);
        i += csi[0].length - 1;
      } else i += 1; // ESC 7, ESC 8 and the like
    } else {
      if (col >= width) {
        wraps++;
        wrapped.push(lines[row]!.join(''));
        row++;
        col = 0;
        lines[row] ??= [];
      }
      lines[row]![col++] = ch;
    }
  }
  return { lines: lines.map((l) => Array.from(l, (c) => c ?? ' ').join('')), wraps, wrapped };
}
