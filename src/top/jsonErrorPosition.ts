/**
 * Where JSON text stops being valid, as an offset: V8's JSON.parse says so in
 * some messages ("at position 9") but not in others ("Unexpected token '}',
 * ... is not valid JSON"), so the text is walked again to find it. Called only
 * for text JSON.parse refused.
 */
export function jsonErrorPosition(text: string): number {
  let at = 0;
  const fail: () => never = () => {
    throw at;
  };
  const space = () => {
    while (/[ \t\n\r]/.test(text[at] ?? '')) at++;
  };
  const literal = (word: string) => {
    for (const char of word) {
      if (text[at] !== char) fail();
      at++;
    }
  };
  const string = () => {
    at++; // the opening quote
    while (text[at] !== '"') {
      if (at >= text.length || text.charCodeAt(at) < 0x20) fail();
      if (text[at] === '\\') {
        at++;
        if (text[at] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 1, at + 5))) fail();
          at += 4;
        } else if (!'"\\/bfnrt'.includes(text[at] ?? 'x')) fail();
      }
      at++;
    }
    at++;
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at));
    if (!match) fail();
    at += match[0].length;
  };
  const items = (close: string, item: () => void) => {
    at++; // the opening bracket
    space();
    if (text[at] === close) return void at++;
    for (;;) {
      item();
      space();
      if (text[at] === close) return void at++;
      if (text[at] !== ',') fail();
      at++;
      space();
    }
  };
  const value = (): void => {
    space();
    const char = text[at];
    if (char === '{')
      items('}', () => {
        if (text[at] !== '"') fail();
        string();
        space();
        if (text[at] !== ':') fail();
        at++;
        value();
      });
    else if (char === '[') items(']', value);
    else if (char === '"') string();
    else if (char === 't') literal('true');
    else if (char === 'f') literal('false');
    else if (char === 'n') literal('null');
    else number();
  };
  try {
    value();
    space();
    return at;
  } catch {
    return at;
  }
}

/** 1-based line and column of an offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}
