/** Rows shown by an inspect of a JSONL or CSV file. */
export const HEAD_ROWS = 50;

/** Complete lines of a head: the last one is dropped when the read stopped inside it. */
function completeLines(text: string, truncated: boolean): string[] {
  const lines = text.split(/\r?\n/);
  if (truncated || lines.at(-1) === '') lines.pop();
  return lines;
}

/** The first JSON Lines records; a line that is not JSON is shown as its text (spec S3 "JSONL head"). */
export function jsonlHead(text: string, truncated: boolean): unknown[] {
  return completeLines(text, truncated)
    .filter((line) => line.trim())
    .slice(0, HEAD_ROWS)
    .map((line) => {
      try {
        return JSON.parse(line);
      } catch {
        return line;
      }
    });
}

/** The first records of CSV text (RFC 4180 quoting, `,` or a tab as separator), header row first. */
export function csvHead(text: string, truncated: boolean, separator: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let index = 0;
  for (; index < text.length && rows.length < HEAD_ROWS + 1; index++) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === separator) {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  // A last record without a line break is complete only when the whole file was read.
  if (!truncated && index >= text.length && (field !== '' || row.length)) rows.push([...row, field]);
  return rows;
}
