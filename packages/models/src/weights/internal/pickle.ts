import { FpdbError } from '@fpdb/schema';
import { fileLabel, weightsFormatError } from './weights-error.js';

/** A Python tuple. */
export class PyTuple {
  constructor(readonly items: readonly unknown[]) {}
}

/** A Python list. */
export class PyList {
  constructor(readonly items: unknown[] = []) {}
}

/** A Python dict (or OrderedDict): insertion-ordered; `attributes` holds what BUILD set, unused. */
export class PyDict {
  readonly items = new Map<unknown, unknown>();
  attributes: unknown = undefined;
}

/**
 * An allow-listed Python global. `call` interprets REDUCE with it (it runs no code from the file); a
 * global without `call` is only a value (a storage type named in a persistent id).
 */
export interface PyGlobal {
  readonly qualifiedName: string;
  call?(args: readonly unknown[]): unknown;
}

/** Options of {@link unpickle}. */
export interface UnpickleOptions {
  /** The weights file's name, for messages. */
  name: string | undefined;
  /** The pickle's path inside the file (`archive/data.pkl`), for messages. */
  part: string;
  /** The only globals the pickle may name, by `module.name`. */
  globals: ReadonlyMap<string, PyGlobal>;
  /** Resolves BINPERSID ids (torch's storage references). */
  persistentLoad(id: unknown): unknown;
}

/** Opcode names, so that a refusal names what it found. */
const OPCODE_NAMES: Readonly<Record<number, string>> = {
  40: 'MARK',
  46: 'STOP',
  48: 'POP',
  49: 'POP_MARK',
  50: 'DUP',
  70: 'FLOAT',
  73: 'INT',
  74: 'BININT',
  75: 'BININT1',
  76: 'LONG',
  77: 'BININT2',
  78: 'NONE',
  80: 'PERSID',
  81: 'BINPERSID',
  82: 'REDUCE',
  83: 'STRING',
  84: 'BINSTRING',
  85: 'SHORT_BINSTRING',
  86: 'UNICODE',
  88: 'BINUNICODE',
  97: 'APPEND',
  98: 'BUILD',
  99: 'GLOBAL',
  100: 'DICT',
  125: 'EMPTY_DICT',
  101: 'APPENDS',
  103: 'GET',
  104: 'BINGET',
  105: 'INST',
  106: 'LONG_BINGET',
  108: 'LIST',
  93: 'EMPTY_LIST',
  111: 'OBJ',
  112: 'PUT',
  113: 'BINPUT',
  114: 'LONG_BINPUT',
  115: 'SETITEM',
  116: 'TUPLE',
  41: 'EMPTY_TUPLE',
  117: 'SETITEMS',
  71: 'BINFLOAT',
  128: 'PROTO',
  129: 'NEWOBJ',
  130: 'EXT1',
  131: 'EXT2',
  132: 'EXT4',
  133: 'TUPLE1',
  134: 'TUPLE2',
  135: 'TUPLE3',
  136: 'NEWTRUE',
  137: 'NEWFALSE',
  138: 'LONG1',
  139: 'LONG4',
  66: 'BINBYTES',
  67: 'SHORT_BINBYTES',
  140: 'SHORT_BINUNICODE',
  141: 'BINUNICODE8',
  142: 'BINBYTES8',
  143: 'EMPTY_SET',
  144: 'ADDITEMS',
  145: 'FROZENSET',
  146: 'NEWOBJ_EX',
  147: 'STACK_GLOBAL',
  148: 'MEMOIZE',
  149: 'FRAME',
  150: 'BYTEARRAY8',
  151: 'NEXT_BUFFER',
  152: 'READONLY_BUFFER',
};

const MARK = Symbol('mark');
const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

function kind(value: unknown): string {
  if (value === null) return 'None';
  if (value instanceof PyTuple) return 'a tuple';
  if (value instanceof PyList) return 'a list';
  if (value instanceof PyDict) return 'a dict';
  if (value === MARK) return 'a MARK';
  if (typeof value === 'object' && value !== null && 'qualifiedName' in value) return `the global ${String((value as PyGlobal).qualifiedName)}`;
  return `a ${typeof value}`;
}

/**
 * Interprets a pickle (protocols 2 to 5, the opcodes `torch.save` emits and a few neighbours) without
 * running anything: GLOBAL/STACK_GLOBAL may name only `options.globals`, REDUCE calls only their
 * interpreters, and every other opcode that could import or construct objects (INST, OBJ, NEWOBJ,
 * EXT1…) is refused by name. Every read is bounds-checked.
 *
 * @throws FpdbError FPDB_WEIGHTS_UNSAFE for a global off the allow-list (at the GLOBAL, before any
 *   REDUCE) or a REDUCE of a global that is not callable; FPDB_WEIGHTS_FORMAT for a truncated or
 *   malformed pickle or an opcode fpdb does not interpret.
 */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions): unknown {
  const { name, part } = options;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let position = 0;
  let opcodeAt = 0;
  let opcode = 0;

  const opName = (): string => `${OPCODE_NAMES[opcode] ?? 'unknown opcode'} (0x${opcode.toString(16).padStart(2, '0')}) at byte ${opcodeAt} of ${part}`;
  const corrupt = (problem: string): FpdbError => weightsFormatError(name, `${opName()}: ${problem}; the file is corrupt or not a PyTorch state dict.`, { details: { part, byte: opcodeAt } });
  const need = (count: number): number => {
    if (count > bytes.length - position) {
      throw weightsFormatError(name, `${part} ends inside ${opName()} (needs ${count} more bytes, ${bytes.length - position} left); the file is truncated.`, { details: { part, byte: opcodeAt } });
    }
    const start = position;
    position += count;
    return start;
  };
  const pop = (): unknown => {
    const marker = marks.length === 0 ? 0 : (marks[marks.length - 1] as number);
    if (stack.length <= marker) throw corrupt('the stack is empty');
    return stack.pop();
  };
  const top = (): unknown => {
    const marker = marks.length === 0 ? 0 : (marks[marks.length - 1] as number);
    if (stack.length <= marker) throw corrupt('the stack is empty');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const marker = marks.pop();
    if (marker === undefined) throw corrupt('there is no MARK to pop to');
    return stack.splice(marker);
  };
  const text = (decoder: TextDecoder, length: number): string => {
    const start = need(length);
    try {
      return decoder.decode(bytes.subarray(start, start + length));
    } catch (cause) {
      throw corrupt(`the string is not valid UTF-8 (${cause instanceof Error ? cause.message : String(cause)})`);
    }
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, position);
    if (end < 0) {
      throw weightsFormatError(name, `${part} ends inside ${opName()} (no newline after the name); the file is truncated.`, { details: { part, byte: opcodeAt } });
    }
    const value = text(utf8, end - position);
    position = end + 1;
    return value;
  };
  const memoKey = (key: number): void => {
    memo.set(key, top());
  };
  const memoGet = (key: number): void => {
    if (!memo.has(key)) throw corrupt(`memo entry ${key} was never stored`);
    stack.push(memo.get(key));
  };
  const global = (module: string, attribute: string): void => {
    const qualified = `${module}.${attribute}`;
    const found = options.globals.get(qualified);
    if (found === undefined) {
      throw new FpdbError(
        'FPDB_WEIGHTS_UNSAFE',
        `${fileLabel(name)} asks Python to import ${qualified} (${opName()}); fpdb reads only state dicts of tensors and allows just ${[...options.globals.keys()].join(', ')}. Nothing from the file was run. If you trust the file, load it in Python and save only the weights: torch.save(model.state_dict(), path), or save_file(model.state_dict(), path) from safetensors.torch.`,
        { details: { ...(name === undefined ? {} : { file: name }), value: qualified, part, byte: opcodeAt } },
      );
    }
    stack.push(found);
  };
  const integer = (start: number, length: number): number | bigint => {
    let value = 0n;
    for (let i = length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[start + i] as number);
    if (length > 0 && ((bytes[start + length - 1] as number) & 0x80) !== 0) value -= 1n << BigInt(8 * length);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  };

  while (true) {
    opcodeAt = position;
    if (position >= bytes.length) {
      throw weightsFormatError(name, `${part} ends at byte ${position} without a STOP opcode; the file is truncated.`, { details: { part, byte: position } });
    }
    opcode = bytes[position++] as number;
    switch (opcode) {
      case 0x80: {
        // PROTO
        const protocol = bytes[need(1)] as number;
        if (protocol < 2 || protocol > 5) throw corrupt(`protocol ${protocol}, expected 2 to 5`);
        break;
      }
      case 0x95: // FRAME: a length prefix for buffering; the bytes that follow are ordinary opcodes.
        need(8);
        break;
      case 0x2e: // STOP
        return pop();
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x30: // POP
        pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(view.getInt32(need(4), true));
        break;
      case 0x4b: // BININT1
        stack.push(bytes[need(1)] as number);
        break;
      case 0x4d: // BININT2
        stack.push(view.getUint16(need(2), true));
        break;
      case 0x8a: {
        // LONG1
        const length = bytes[need(1)] as number;
        stack.push(integer(need(length), length));
        break;
      }
      case 0x8b: {
        // LONG4
        const length = view.getInt32(need(4), true);
        if (length < 0 || length > 64) throw corrupt(`an integer of ${length} bytes, expected at most 64`);
        stack.push(integer(need(length), length));
        break;
      }
      case 0x47: // BINFLOAT (big-endian)
        stack.push(view.getFloat64(need(8), false));
        break;
      case 0x58: // BINUNICODE
        stack.push(text(utf8, view.getUint32(need(4), true)));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(utf8, bytes[need(1)] as number));
        break;
      case 0x8d: {
        // BINUNICODE8
        const start = need(8);
        if (view.getUint32(start + 4, true) !== 0) throw corrupt('a string longer than 4 GiB');
        stack.push(text(utf8, view.getUint32(start, true)));
        break;
      }
      case 0x54: {
        // BINSTRING (Python 2 str)
        const length = view.getInt32(need(4), true);
        if (length < 0) throw corrupt(`a negative string length ${length}`);
        stack.push(text(latin1, length));
        break;
      }
      case 0x55: // SHORT_BINSTRING
        stack.push(text(latin1, bytes[need(1)] as number));
        break;
      case 0x42: {
        // BINBYTES
        const length = view.getUint32(need(4), true);
        const start = need(length);
        stack.push(bytes.slice(start, start + length));
        break;
      }
      case 0x43: {
        // SHORT_BINBYTES
        const length = bytes[need(1)] as number;
        const start = need(length);
        stack.push(bytes.slice(start, start + length));
        break;
      }
      case 0x29: // EMPTY_TUPLE
        stack.push(new PyTuple([]));
        break;
      case 0x74: // TUPLE
        stack.push(new PyTuple(popMark()));
        break;
      case 0x85: // TUPLE1
        stack.push(new PyTuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push(new PyTuple([pop(), b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push(new PyTuple([pop(), b, c]));
        break;
      }
      case 0x5d: // EMPTY_LIST
        stack.push(new PyList());
        break;
      case 0x6c: // LIST
        stack.push(new PyList(popMark()));
        break;
      case 0x61: {
        // APPEND
        const item = pop();
        const list = top();
        if (!(list instanceof PyList)) throw corrupt(`APPEND to ${kind(list)}, expected a list`);
        list.items.push(item);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const list = top();
        if (!(list instanceof PyList)) throw corrupt(`APPENDS to ${kind(list)}, expected a list`);
        list.items.push(...items);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new PyDict());
        break;
      case 0x64: {
        // DICT
        const items = popMark();
        if (items.length % 2 !== 0) throw corrupt(`${items.length} items, expected key/value pairs`);
        const dict = new PyDict();
        for (let i = 0; i < items.length; i += 2) dict.items.set(items[i], items[i + 1]);
        stack.push(dict);
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop();
        const key = pop();
        const dict = top();
        if (!(dict instanceof PyDict)) throw corrupt(`SETITEM on ${kind(dict)}, expected a dict`);
        dict.items.set(key, value);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        const dict = top();
        if (!(dict instanceof PyDict)) throw corrupt(`SETITEMS on ${kind(dict)}, expected a dict`);
        if (items.length % 2 !== 0) throw corrupt(`${items.length} items, expected key/value pairs`);
        for (let i = 0; i < items.length; i += 2) dict.items.set(items[i], items[i + 1]);
        break;
      }
      case 0x71: // BINPUT
        memoKey(bytes[need(1)] as number);
        break;
      case 0x72: // LONG_BINPUT
        memoKey(view.getUint32(need(4), true));
        break;
      case 0x94: // MEMOIZE
        memoKey(memo.size);
        break;
      case 0x68: // BINGET
        memoGet(bytes[need(1)] as number);
        break;
      case 0x6a: // LONG_BINGET
        memoGet(view.getUint32(need(4), true));
        break;
      case 0x63: {
        // GLOBAL
        const module = line();
        global(module, line());
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const attribute = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof attribute !== 'string') throw corrupt(`a global named by ${kind(module)} and ${kind(attribute)}, expected two strings`);
        global(module, attribute);
        break;
      }
      case 0x51: {
        // BINPERSID
        const id = pop();
        try {
          stack.push(options.persistentLoad(id));
        } catch (cause) {
          if (cause instanceof FpdbError) throw cause;
          throw corrupt(cause instanceof Error ? cause.message : String(cause));
        }
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const callable = pop();
        if (!(args instanceof PyTuple)) throw corrupt(`REDUCE with ${kind(args)} as arguments, expected a tuple`);
        const target = callable as Partial<PyGlobal> | null;
        if (typeof target !== 'object' || target === null || typeof target.qualifiedName !== 'string') throw corrupt(`REDUCE of ${kind(callable)}, expected an allowed global`);
        if (target.call === undefined) {
          throw new FpdbError(
            'FPDB_WEIGHTS_UNSAFE',
            `${fileLabel(name)} asks Python to call ${target.qualifiedName}(...) (${opName()}); fpdb calls nothing a file names beyond rebuilding tensors. Nothing from the file was run. Re-save the weights with torch.save(model.state_dict(), path).`,
            {
              details: { ...(name === undefined ? {} : { file: name }), value: target.qualifiedName, part, byte: opcodeAt },
            },
          );
        }
        try {
          stack.push(target.call(args.items));
        } catch (cause) {
          if (cause instanceof FpdbError) throw cause;
          throw corrupt(`${target.qualifiedName}: ${cause instanceof Error ? cause.message : String(cause)}`);
        }
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        const target = top();
        // torch keeps a state dict's `_metadata` (per-module versions) as OrderedDict attributes: kept, unused.
        if (!(target instanceof PyDict)) throw corrupt(`BUILD on ${kind(target)}, expected a dict`);
        target.attributes = state;
        break;
      }
      default:
        throw weightsFormatError(name, `${opName()} is not an opcode torch.save uses for a state dict, so fpdb does not interpret it.`, {
          details: { part, byte: opcodeAt, value: OPCODE_NAMES[opcode] ?? opcode },
        });
    }
  }
}
