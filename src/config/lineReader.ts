/** One meaningful line of a config file, split into whitespace-separated fields. */
export interface ConfigLine {
  /** 1-based, counted in the original text so messages point at the right line. */
  line: number;
  /** At least one field, none empty, none containing whitespace. */
  fields: string[];
}

const BYTE_ORDER_MARK = '\uFEFF';

// Any of the three line-ending conventions, so files saved on Windows or old Macs
// number their lines the same way an editor shows them.
const LINE_BREAK = /\r\n|\r|\n/;

// A comment starts at a '#' that begins the line or follows whitespace. A '#'
// glued to a value (FileName a#b.dat) stays part of it: values cannot contain
// spaces, so "value #comment" is never ambiguous, but "a#b" might be a real name.
const COMMENT = /(^|\s)#.*$/;

const WHITESPACE = /\s+/;

/**
 * The tokenizer shared by Common.cfg and PeerInfo.cfg: drops a leading BOM,
 * blank lines, whole-line and trailing comments, and surrounding whitespace.
 */
export function readConfigLines(text: string): ConfigLine[] {
  const body = text.startsWith(BYTE_ORDER_MARK) ? text.slice(BYTE_ORDER_MARK.length) : text;
  const result: ConfigLine[] = [];
  body.split(LINE_BREAK).forEach((raw, index) => {
    const content = raw.replace(COMMENT, '').trim();
    if (content !== '') result.push({ line: index + 1, fields: content.split(WHITESPACE) });
  });
  return result;
}
