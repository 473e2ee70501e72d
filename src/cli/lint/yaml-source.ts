// Multi-document YAML with positions: every value keeps a way back to the line it came from.
import type { Node as YamlNode } from 'yaml';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';

export interface SourceDocument {
  file: string;
  /** 0-based position of the document in its file. */
  index: number;
  value: unknown;
  /** The 1-based line of the node at `path`, or of its deepest existing ancestor; a key's own line for map keys. */
  lineOf(path: readonly (string | number)[]): number;
}

export interface SyntaxProblem {
  file: string;
  line: number;
  message: string;
}

export function parseYamlSource(
  file: string,
  text: string,
): { documents: SourceDocument[]; problems: SyntaxProblem[] } {
  const lineCounter = new LineCounter();
  const documents: SourceDocument[] = [];
  const problems: SyntaxProblem[] = [];
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: true });
  const docs = Array.isArray(parsed) ? parsed : [];
  docs.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        const line = error.linePos?.[0]?.line ?? lineCounter.linePos(error.pos[0]).line;
        problems.push({ file, line, message: `YAML syntax error: ${firstLine(error.message)}` });
      }
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      const start = doc.contents?.range?.[0] ?? 0;
      problems.push({
        file,
        line: lineCounter.linePos(start).line,
        message: `YAML error: ${e instanceof Error ? e.message : String(e)}`,
      });
      return;
    }
    const contents = doc.contents as YamlNode | null;
    const docStart = contents?.range?.[0] ?? 0;
    documents.push({
      file,
      index,
      value,
      lineOf: (path) => lineCounter.linePos(offsetOf(contents, path) ?? docStart).line,
    });
  });
  return { documents, problems };
}

/** yaml's messages end in "at line N, column M:" and a code excerpt; the location is printed separately. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

function offsetOf(root: YamlNode | null, path: readonly (string | number)[]): number | undefined {
  let node: unknown = root;
  let offset = root?.range?.[0];
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) return offset;
      const key = pair.key as YamlNode;
      offset = key.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as YamlNode | undefined;
      if (!item) return offset;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}
