/**
 * A small OData `$filter` parser and evaluator covering what mail clients send to Graph:
 * comparisons (eq ne gt ge lt le), and/or/not, parentheses, startswith/endswith/contains,
 * and `any` lambdas over collections, e.g.
 * `receivedDateTime ge 2024-01-01T00:00:00Z and from/emailAddress/address eq 'a@b.c'`.
 */
import { GraphHttpError } from '../errors';

type Literal = string | number | boolean | null | Date;

export type FilterNode =
  | { type: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { type: 'not'; operand: FilterNode }
  | { type: 'compare'; op: CompareOp; left: Operand; right: Operand }
  | { type: 'call'; name: 'startswith' | 'endswith' | 'contains'; args: [Operand, Operand] }
  | { type: 'any'; path: string[]; variable: string; predicate: FilterNode | null }
  | { type: 'bool'; operand: Operand };

type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
type Operand = { type: 'path'; path: string[] } | { type: 'literal'; value: Literal };

type Token = { kind: 'string' | 'word' | 'number' | 'date' | 'punct'; text: string };

const COMPARE_OPS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

function invalid(message: string): GraphHttpError {
  return new GraphHttpError(400, 'BadRequest', `Invalid filter clause: ${message}`);
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === "'") {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= input.length) throw invalid('unterminated string literal');
        if (input[i] === "'") {
          if (input[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        value += input[i];
        i += 1;
      }
      tokens.push({ kind: 'string', text: value });
    } else if ('()/,:'.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch });
      i += 1;
    } else {
      const rest = input.slice(i);
      const date = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?/.exec(rest);
      if (date) {
        tokens.push({ kind: 'date', text: date[0] });
        i += date[0].length;
        continue;
      }
      const number = /^-?\d+(\.\d+)?/.exec(rest);
      if (number) {
        tokens.push({ kind: 'number', text: number[0] });
        i += number[0].length;
        continue;
      }
      const word = /^[A-Za-z_@][A-Za-z0-9_.@]*/.exec(rest);
      if (!word) throw invalid(`unexpected character '${ch}'`);
      tokens.push({ kind: 'word', text: word[0] });
      i += word[0].length;
    }
  }
  return tokens;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    const node = this.or();
    if (this.pos < this.tokens.length) throw invalid(`unexpected '${this.tokens[this.pos].text}'`);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private next(): Token {
    const token = this.tokens[this.pos++];
    if (!token) throw invalid('unexpected end of expression');
    return token;
  }

  private isWord(text: string): boolean {
    const token = this.peek();
    return token?.kind === 'word' && token.text.toLowerCase() === text;
  }

  private expectPunct(text: string): void {
    const token = this.next();
    if (token.kind !== 'punct' || token.text !== text) throw invalid(`expected '${text}'`);
  }

  private or(): FilterNode {
    let left = this.and();
    while (this.isWord('or')) {
      this.pos += 1;
      left = { type: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): FilterNode {
    let left = this.unary();
    while (this.isWord('and')) {
      this.pos += 1;
      left = { type: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): FilterNode {
    if (this.isWord('not')) {
      this.pos += 1;
      return { type: 'not', operand: this.unary() };
    }
    const token = this.peek();
    if (token?.kind === 'punct' && token.text === '(') {
      this.pos += 1;
      const inner = this.or();
      this.expectPunct(')');
      return inner;
    }
    return this.comparison();
  }

  private comparison(): FilterNode {
    const token = this.peek();
    if (token?.kind === 'word' && ['startswith', 'endswith', 'contains'].includes(token.text.toLowerCase())) {
      this.pos += 1;
      this.expectPunct('(');
      const first = this.operand();
      this.expectPunct(',');
      const second = this.operand();
      this.expectPunct(')');
      const call: FilterNode = { type: 'call', name: token.text.toLowerCase() as 'startswith', args: [first, second] };
      return this.maybeCompareBool(call);
    }
    const left = this.operandOrAny();
    if ('type' in left && left.type === 'any') return left;
    const operand = left as Operand;
    const op = this.peek();
    if (op?.kind === 'word' && COMPARE_OPS.has(op.text.toLowerCase())) {
      this.pos += 1;
      return { type: 'compare', op: op.text.toLowerCase() as CompareOp, left: operand, right: this.operand() };
    }
    return { type: 'bool', operand };
  }

  /** `startswith(subject,'x') eq true` is legal OData. */
  private maybeCompareBool(node: FilterNode): FilterNode {
    const op = this.peek();
    if (op?.kind === 'word' && (op.text === 'eq' || op.text === 'ne')) {
      this.pos += 1;
      const value = this.operand();
      if (value.type !== 'literal' || typeof value.value !== 'boolean') throw invalid('function result compares to a boolean');
      return value.value === (op.text === 'eq') ? node : { type: 'not', operand: node };
    }
    return node;
  }

  private operandOrAny(): Operand | FilterNode {
    const token = this.peek();
    if (token?.kind !== 'word' || ['true', 'false', 'null'].includes(token.text)) return this.operand();
    const path = this.path();
    const last = path[path.length - 1];
    if ((last === 'any' || last === 'all') && this.peek()?.text === '(') {
      if (last === 'all') throw invalid('all() is not supported');
      this.expectPunct('(');
      if (this.peek()?.text === ')') {
        this.pos += 1;
        return { type: 'any', path: path.slice(0, -1), variable: '', predicate: null };
      }
      const variable = this.next();
      if (variable.kind !== 'word') throw invalid('expected lambda variable');
      this.expectPunct(':');
      const predicate = this.or();
      this.expectPunct(')');
      return { type: 'any', path: path.slice(0, -1), variable: variable.text, predicate };
    }
    return { type: 'path', path };
  }

  private path(): string[] {
    const segments = [this.next().text];
    while (this.peek()?.kind === 'punct' && this.peek()?.text === '/') {
      this.pos += 1;
      const segment = this.next();
      if (segment.kind !== 'word') throw invalid('expected a property name after /');
      segments.push(segment.text);
    }
    return segments;
  }

  private operand(): Operand {
    const token = this.peek();
    if (!token) throw invalid('missing operand');
    switch (token.kind) {
      case 'string':
        this.pos += 1;
        return { type: 'literal', value: token.text };
      case 'number':
        this.pos += 1;
        return { type: 'literal', value: Number(token.text) };
      case 'date':
        this.pos += 1;
        return { type: 'literal', value: new Date(token.text) };
      case 'word': {
        const lower = token.text.toLowerCase();
        if (lower === 'true' || lower === 'false') {
          this.pos += 1;
          return { type: 'literal', value: lower === 'true' };
        }
        if (lower === 'null') {
          this.pos += 1;
          return { type: 'literal', value: null };
        }
        return { type: 'path', path: this.path() };
      }
      default:
        throw invalid(`unexpected '${token.text}'`);
    }
  }
}

export function parseFilter(input: string): FilterNode {
  return new Parser(tokenize(input)).parse();
}

/** Top-level property names a filter reads, to know whether parsed content is needed. */
export function filterProperties(node: FilterNode, into = new Set<string>(), bound = new Set<string>()): Set<string> {
  const addOperand = (operand: Operand): void => {
    if (operand.type === 'path' && !bound.has(operand.path[0])) into.add(operand.path[0]);
  };
  switch (node.type) {
    case 'and':
    case 'or':
      filterProperties(node.left, into, bound);
      filterProperties(node.right, into, bound);
      break;
    case 'not':
      filterProperties(node.operand, into, bound);
      break;
    case 'compare':
      addOperand(node.left);
      addOperand(node.right);
      break;
    case 'call':
      node.args.forEach(addOperand);
      break;
    case 'bool':
      addOperand(node.operand);
      break;
    case 'any':
      if (!bound.has(node.path[0])) into.add(node.path[0]);
      if (node.predicate) filterProperties(node.predicate, into, new Set([...bound, node.variable]));
      break;
  }
  return into;
}

type Scope = Record<string, unknown>;

function lookup(record: unknown, path: string[], scope: Scope): unknown {
  let value: unknown = path[0] in scope ? scope[path[0]] : getProperty(record, path[0]);
  for (const segment of path.slice(1)) value = getProperty(value, segment);
  return value;
}

function getProperty(value: unknown, name: string): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  const found = entries.find(([key]) => key.toLowerCase() === name.toLowerCase());
  return found?.[1];
}

function resolve(operand: Operand, record: unknown, scope: Scope): unknown {
  return operand.type === 'literal' ? operand.value : lookup(record, operand.path, scope);
}

function comparable(value: unknown, other: unknown): string | number | boolean | null {
  if (value instanceof Date) return value.getTime();
  if (other instanceof Date && typeof value === 'string') return Date.parse(value);
  if (typeof value === 'string') return value.toLowerCase();
  if (value === undefined) return null;
  return value as number | boolean | null;
}

function compare(op: CompareOp, leftRaw: unknown, rightRaw: unknown): boolean {
  const left = comparable(leftRaw, rightRaw);
  const right = comparable(rightRaw, leftRaw);
  switch (op) {
    case 'eq':
      return left === right;
    case 'ne':
      return left !== right;
    default: {
      if (left === null || right === null) return false;
      if (op === 'gt') return left > right;
      if (op === 'ge') return left >= right;
      if (op === 'lt') return left < right;
      return left <= right;
    }
  }
}

export function evaluateFilter(node: FilterNode, record: unknown, scope: Scope = {}): boolean {
  switch (node.type) {
    case 'and':
      return evaluateFilter(node.left, record, scope) && evaluateFilter(node.right, record, scope);
    case 'or':
      return evaluateFilter(node.left, record, scope) || evaluateFilter(node.right, record, scope);
    case 'not':
      return !evaluateFilter(node.operand, record, scope);
    case 'compare':
      return compare(node.op, resolve(node.left, record, scope), resolve(node.right, record, scope));
    case 'bool':
      return resolve(node.operand, record, scope) === true;
    case 'call': {
      const haystack = String(resolve(node.args[0], record, scope) ?? '').toLowerCase();
      const needle = String(resolve(node.args[1], record, scope) ?? '').toLowerCase();
      if (node.name === 'startswith') return haystack.startsWith(needle);
      if (node.name === 'endswith') return haystack.endsWith(needle);
      return haystack.includes(needle);
    }
    case 'any': {
      const collection = lookup(record, node.path, scope);
      if (!Array.isArray(collection)) return false;
      if (!node.predicate) return collection.length > 0;
      const predicate = node.predicate;
      return collection.some((item) => evaluateFilter(predicate, record, { ...scope, [node.variable]: item }));
    }
  }
}
