/**
 * Reads the audit's CSV back as a spreadsheet or a program would: RFC 4180 (quoted cells may hold commas,
 * quotes and line breaks), one header row, each row as an object keyed by column name.
 */
export function parseCsv(text: string): { header: string[]; rows: Record<string, string>[] } {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(cell);
      cell = "";
    } else if (c === "\n") {
      record.push(cell);
      records.push(record);
      record = [];
      cell = "";
    } else cell += c;
  }
  if (cell !== "" || record.length > 0) records.push([...record, cell]);
  const [header = [], ...body] = records;
  for (const [i, r] of body.entries()) if (r.length !== header.length) throw new Error(`Row ${i + 1} has ${r.length} cells; the header has ${header.length}.`);
  return { header, rows: body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]!]))) };
}
