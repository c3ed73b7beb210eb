/** One word of a configuration line and the 1-based column it starts at. */
export interface Word {
  readonly text: string;
  readonly column: number;
}

/** A line that carries a command: its number, its text as written, and its words. */
export interface ConfigLine {
  readonly line: number;
  readonly text: string;
  readonly words: readonly Word[];
}

/**
 * Splits configuration text into command lines. Blank lines and comment lines (first non-blank
 * character `!` or `#`, as in frr.conf) are dropped; indentation means nothing. Words are
 * separated by spaces or tabs; there is no quoting, as in FRR's own parser.
 */
export function splitLines(text: string): ConfigLine[] {
  const out: ConfigLine[] = [];
  const raw = text.split(/\r?\n/);
  for (let i = 0; i < raw.length; i++) {
    const lineText = raw[i]!;
    const words: Word[] = [];
    const re = /[^ \t]+/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(lineText)) !== null) words.push({ text: m[0], column: m.index + 1 });
    if (words.length === 0) continue;
    const first = words[0]!.text;
    if (first.startsWith('!') || first.startsWith('#')) continue;
    out.push({ line: i + 1, text: lineText, words });
  }
  return out;
}

/** The rest of the line from word `index` on, as written (inner spacing kept). */
export function restOfLine(l: ConfigLine, index: number): string {
  const w = l.words[index];
  return w === undefined ? '' : l.text.slice(w.column - 1).trimEnd();
}
