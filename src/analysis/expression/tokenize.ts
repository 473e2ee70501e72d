// Tokenizer of the condition language. Positions are 0-based offsets into the source; `describePosition` turns
// them into the 1-based "column N" (or "line L, column C") users see.

export type Token =
  | { type: 'number'; value: number; pos: number; end: number }
  | { type: 'string'; value: string; pos: number; end: number }
  | { type: 'name'; value: string; pos: number; end: number }
  | { type: 'op'; value: string; pos: number; end: number }
  | { type: 'eof'; pos: number; end: number };

export class ExpressionSyntaxError extends Error {
  readonly pos: number;
  constructor(message: string, pos: number) {
    super(message);
    this.name = 'ExpressionSyntaxError';
    this.pos = pos;
  }
}

export function describePosition(source: string, pos: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < source.length; i++) {
    if (source[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  const column = pos - lineStart + 1;
  return line === 1 ? `column ${column}` : `line ${line}, column ${column}`;
}

// Longest first, so that `<=` wins over `<`.
const OPERATORS = ['&&', '||', '==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '%', '!'];
const PUNCTUATION = ['(', ')', '[', ']', '{', '}', ',', '.', '?', ':', '#'];

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isNameStart(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
}

function isNamePart(c: string | undefined): boolean {
  return isNameStart(c) || isDigit(c);
}

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c) || (c === '.' && isDigit(source[i + 1]))) {
      while (isDigit(source[i])) i++;
      if (source[i] === '.' && isDigit(source[i + 1])) {
        i++;
        while (isDigit(source[i])) i++;
      }
      if (source[i] === 'e' || source[i] === 'E') {
        let j = i + 1;
        if (source[j] === '+' || source[j] === '-') j++;
        if (!isDigit(source[j])) {
          throw new ExpressionSyntaxError(`malformed number exponent`, i);
        }
        i = j;
        while (isDigit(source[i])) i++;
      }
      if (isNameStart(source[i])) {
        throw new ExpressionSyntaxError(`unexpected character '${source[i]}' after a number`, i);
      }
      tokens.push({ type: 'number', value: Number(source.slice(start, i)), pos: start, end: i });
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      let text = '';
      for (;;) {
        const ch = source[i];
        if (ch === undefined || ch === '\n') {
          throw new ExpressionSyntaxError(`unterminated string (opened with ${c})`, start);
        }
        if (ch === c) {
          i++;
          break;
        }
        if (ch === '\\') {
          const next = source[i + 1];
          const escaped = next === undefined ? undefined : ESCAPES[next];
          if (escaped === undefined) {
            throw new ExpressionSyntaxError(`unknown escape '\\${next ?? ''}' in string`, i);
          }
          text += escaped;
          i += 2;
          continue;
        }
        text += ch;
        i++;
      }
      tokens.push({ type: 'string', value: text, pos: start, end: i });
      continue;
    }
    if (isNameStart(c)) {
      while (isNamePart(source[i])) i++;
      tokens.push({ type: 'name', value: source.slice(start, i), pos: start, end: i });
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i)) ?? PUNCTUATION.find((p) => source.startsWith(p, i));
    if (op !== undefined) {
      i += op.length;
      tokens.push({ type: 'op', value: op, pos: start, end: i });
      continue;
    }
    if (c === '=') {
      throw new ExpressionSyntaxError(`'=' is not an operator; use '==' to compare`, i);
    }
    if (c === '&' || c === '|') {
      throw new ExpressionSyntaxError(`'${c}' is not an operator; use '${c}${c}'`, i);
    }
    const shown = c === undefined ? '' : JSON.stringify(c);
    throw new ExpressionSyntaxError(`unexpected character ${shown}`, i);
  }
  tokens.push({ type: 'eof', pos: source.length, end: source.length });
  return tokens;
}
