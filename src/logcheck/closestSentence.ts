/**
 * The spec's sentence a wrong log line comes closest to, and what differs:
 * a line missing only its final '.' says so, instead of just "not a spec
 * sentence". The forms are protocol.md's; a test keeps them in step with the
 * patterns of src/log/specSentences.ts.
 */
export const SPEC_FORMS: readonly string[] = [
  'Peer [id1] makes a connection to Peer [id2].',
  'Peer [id1] is connected from Peer [id2].',
  'Peer [id] has the preferred neighbors [id list, comma-separated].',
  'Peer [id] has the optimistically unchoked neighbor [id].',
  'Peer [id1] is unchoked by [id2].',
  'Peer [id1] is choked by [id2].',
  "Peer [id1] received the 'have' message from [id2] for the piece [index].",
  "Peer [id1] received the 'interested' message from [id2].",
  "Peer [id1] received the 'not interested' message from [id2].",
  'Peer [id1] has downloaded the piece [index] from [id2]. Now the number of pieces it has is [count].',
  'Peer [id] has downloaded the complete file.',
];

/** More differences than this, and the line is not a spec sentence gone slightly wrong: no hint. */
const MAX_DIFFERENCES = 3;

interface Token {
  text: string;
  /** A number (or list of numbers) in a line, a placeholder in a form: any matches any, and says "a number". */
  number: boolean;
}

function tokensOf(text: string, numberPattern: string): Token[] {
  const isNumber = new RegExp(`^(?:${numberPattern})$`);
  return [...text.matchAll(new RegExp(`${numberPattern}|[A-Za-z]+|\\S`, 'g'))].map(([token]) => ({ text: token, number: isNumber.test(token) }));
}
const lineTokens = (sentence: string) => tokensOf(sentence, '\\d+(?:, ?\\d+)*');
const formTokens = (form: string) => tokensOf(form, '\\[[^\\]]+\\]');

export interface ClosestSentence {
  /** The spec's form, e.g. "[Time]: Peer [id1] is unchoked by [id2]." */
  form: string;
  /** What differs, e.g. "missing the final '.'". */
  differences: string;
}

/**
 * Lines that differ only in their numbers have the same answer (numbers are
 * told apart from words, never from each other), and a log repeats a mistake
 * thousands of times: answers are kept by the line's shape.
 */
const answers = new Map<string, ClosestSentence | undefined>();
const MAX_ANSWERS_KEPT = 1000;

/** The spec's closest form and what differs, or undefined when no form is within a few differences. */
export function closestSentence(line: string): ClosestSentence | undefined {
  const shape = line.replace(/\d+/g, '0');
  if (!answers.has(shape)) {
    if (answers.size >= MAX_ANSWERS_KEPT) answers.clear();
    answers.set(shape, closestForm(shape));
  }
  return answers.get(shape);
}

/** Each spec form with its tokens, built once. */
const FORM_TOKENS: ReadonlyArray<readonly [string, Token[]]> = SPEC_FORMS.map((form) => [form, formTokens(form)] as const);

function closestForm(line: string): ClosestSentence | undefined {
  const { sentence, timeProblem } = splitTime(line);
  const tokens = lineTokens(sentence);
  let best: { form: string; differences: string[] } | undefined;
  for (const [form, formTokenList] of FORM_TOKENS) {
    const differences = differencesBetween(tokens, formTokenList);
    if (!best || differences.length < best.differences.length) best = { form, differences };
  }
  if (best!.differences.length > MAX_DIFFERENCES) return undefined;
  const differences = [...(timeProblem ? [timeProblem] : []), ...best!.differences];
  return { form: `[Time]: ${best!.form}`, differences: differences.length > 0 ? differences.join('; ') : 'the spacing differs' };
}

/** The sentence starts at "Peer <number>" (in any case), or after the first ': '. */
function splitTime(line: string): { sentence: string; timeProblem?: string } {
  const start = /\bpeer\s*\d/i.exec(line)?.index ?? (line.includes(': ') ? line.indexOf(': ') + 2 : 0);
  const time = line.slice(0, start);
  if (time.trim() === '') return { sentence: line.trim(), timeProblem: 'no time before the sentence' };
  return { sentence: line.slice(start).trim(), timeProblem: time.endsWith(': ') ? undefined : "the time is not followed by ': '" };
}

type Step = 'same' | 'case' | 'changed' | 'extra' | 'missing';

/** The fewest token edits turning the form into the line (a change of case costs less than another word), described. */
function differencesBetween(line: readonly Token[], form: readonly Token[]): string[] {
  const cost = (a: Token, b: Token): number => {
    if (a.number || b.number) return a.number === b.number ? 0 : 1;
    if (a.text === b.text) return 0;
    return a.text.toLowerCase() === b.text.toLowerCase() ? 0.5 : 1;
  };
  // best[i][j]: the cost of turning form[j..] into line[i..].
  const best = Array.from({ length: line.length + 1 }, () => new Array<number>(form.length + 1).fill(0));
  for (let i = line.length; i >= 0; i--) {
    for (let j = form.length; j >= 0; j--) {
      if (i === line.length || j === form.length) best[i][j] = line.length - i + form.length - j;
      else best[i][j] = Math.min(cost(line[i], form[j]) + best[i + 1][j + 1], 1 + best[i + 1][j], 1 + best[i][j + 1]);
    }
  }
  const differences: string[] = [];
  const quoted = (token: Token) => (token.text.includes("'") ? `"${token.text}"` : `'${token.text}'`);
  const said = (token: Token) => (token.number ? 'a number' : quoted(token));
  const expected = (token: Token) => (token.number ? token.text : quoted(token)); // a placeholder as the spec writes it
  const say = (step: Step, lineToken?: Token, formToken?: Token) => {
    if (step === 'case') differences.push(`${said(lineToken!)} where the spec has ${expected(formToken!)} (case)`);
    if (step === 'changed') differences.push(`${said(lineToken!)} where the spec has ${expected(formToken!)}`);
    if (step === 'extra') differences.push(lineToken!.number ? 'an extra number' : `an extra ${said(lineToken!)}`);
    if (step === 'missing') differences.push(formToken === form.at(-1) && formToken!.text === '.' ? "missing the final '.'" : `missing ${expected(formToken!)}`);
  };
  let [i, j] = [0, 0];
  while (i < line.length || j < form.length) {
    if (i < line.length && j < form.length && best[i][j] === cost(line[i], form[j]) + best[i + 1][j + 1]) {
      const c = cost(line[i], form[j]);
      say(c === 0 ? 'same' : c === 0.5 ? 'case' : 'changed', line[i], form[j]);
      [i, j] = [i + 1, j + 1];
    } else if (i < line.length && best[i][j] === 1 + best[i + 1][j]) {
      say('extra', line[i++]);
    } else {
      say('missing', undefined, form[j++]);
    }
  }
  return differences;
}
