/**
 * The value of a sorted set (t_zset.c): a skiplist with spans (O(log N) insert, delete,
 * rank and range lookups) plus a Map member → node, exactly like Redis's skiplist
 * encoding. Members are binary strings (latin1, one char per byte), so JS's `<` on them
 * is memcmp-then-length order — Redis's sdscmp — and elements are ordered by
 * (score, member) as in Redis.
 *
 * Encodings as Redis 7.0 reports them: 'listpack' while the set has at most
 * zset-max-listpack-entries (128) members and none longer than zset-max-listpack-value
 * (64) bytes, then 'skiplist' for good (one-way). The order of elements does not depend on
 * the encoding (a listpack is kept sorted too); only ZSCAN differs: a listpack is returned
 * whole in one call, a skiplist is scanned through a ScanIndex (dict order).
 */
import { DEFAULT_LIMITS, type EncodingLimits } from './encoding-limits'
import { ScanIndex } from './scan'

const ZSKIPLIST_MAXLEVEL = 32

export class ZNode {
  /** next[i] and span[i]: the level-i link (span = ranks skipped by it). */
  readonly next: (ZNode | null)[]
  readonly span: number[]
  backward: ZNode | null = null

  constructor(
    public member: string,
    public score: number,
    level: number
  ) {
    this.next = new Array<ZNode | null>(level).fill(null)
    this.span = new Array<number>(level).fill(0)
  }
}

/** A score range (zrangespec). */
export interface ScoreRange {
  min: number
  max: number
  minex: boolean
  maxex: boolean
}

/** A lex bound: a binary string, or LEX_MIN ("-") / LEX_MAX ("+"). */
export type LexBound = string | number
export const LEX_MIN = -1
export const LEX_MAX = 1

/** A lex range (zlexrangespec). */
export interface LexRange {
  min: LexBound
  max: LexBound
  minex: boolean
  maxex: boolean
}

/** sdscmplex: compares two lex bounds (the sentinels sort below/above every string). */
export function lexCmp(a: LexBound, b: LexBound): number {
  if (a === b) return 0
  if (a === LEX_MIN || b === LEX_MAX) return -1
  if (a === LEX_MAX || b === LEX_MIN) return 1
  return (a as string) < (b as string) ? -1 : 1
}

export function scoreGteMin(v: number, r: ScoreRange): boolean {
  return r.minex ? v > r.min : v >= r.min
}
export function scoreLteMax(v: number, r: ScoreRange): boolean {
  return r.maxex ? v < r.max : v <= r.max
}
export function lexGteMin(v: string, r: LexRange): boolean {
  const c = lexCmp(v, r.min)
  return r.minex ? c > 0 : c >= 0
}
export function lexLteMax(v: string, r: LexRange): boolean {
  const c = lexCmp(v, r.max)
  return r.maxex ? c < 0 : c <= 0
}

/** Scratch arrays for insert/delete (single-threaded, never re-entered). */
const update: ZNode[] = new Array<ZNode>(ZSKIPLIST_MAXLEVEL)
const rankArr: number[] = new Array<number>(ZSKIPLIST_MAXLEVEL).fill(0)

function randomLevel(): number {
  let level = 1
  while (level < ZSKIPLIST_MAXLEVEL && Math.random() < 0.25) level++
  return level
}

/** (score, member) strictly before (s2, m2). */
function before(n: ZNode, score: number, member: string): boolean {
  return n.score < score || (n.score === score && n.member < member)
}

export class RedisZset {
  private readonly header = new ZNode('', 0, ZSKIPLIST_MAXLEVEL)
  private tail: ZNode | null = null
  private level = 1
  private length = 0
  readonly dict = new Map<string, ZNode>()
  /** Null while listpack-encoded. */
  private index: ScanIndex | null = null

  /** The owning server's zset-max-listpack-entries/value (read when the set grows). */
  constructor(readonly limits: Readonly<EncodingLimits> = DEFAULT_LIMITS) {}

  get size(): number {
    return this.length
  }

  encoding(): 'listpack' | 'skiplist' {
    return this.index === null ? 'listpack' : 'skiplist'
  }

  get isListpack(): boolean {
    return this.index === null
  }

  /** zsetConvert(OBJ_ENCODING_SKIPLIST): one-way. */
  convert(): void {
    if (this.index !== null) return
    const index = new ScanIndex()
    for (const m of this.dict.keys()) index.add(m)
    this.index = index
  }

  /**
   * zsetConvertToListpackIfNeeded (the STORE variants build a skiplist first): back to
   * listpack when it fits, which turns -0 scores into 0 as a listpack does.
   */
  shrinkIfFits(): void {
    if (this.index === null || this.length > this.limits.zsetMaxListpackEntries) return
    for (let x = this.header.next[0]!; x !== null; x = x.next[0]!) {
      if (x.member.length > this.limits.zsetMaxListpackValue) return
    }
    this.index = null
    for (let x = this.header.next[0]!; x !== null; x = x.next[0]!) if (x.score === 0) x.score = 0
  }

  /** Converts when the set would not fit a listpack with a member this long / this size. */
  private checkConvert(memberLen: number, newSize: number): void {
    if (this.index === null && (newSize > this.limits.zsetMaxListpackEntries || memberLen > this.limits.zsetMaxListpackValue)) {
      this.convert()
    }
  }

  score(member: string): number | undefined {
    const n = this.dict.get(member)
    return n === undefined ? undefined : n.score
  }

  has(member: string): boolean {
    return this.dict.has(member)
  }

  first(): ZNode | null {
    return this.header.next[0]!
  }

  last(): ZNode | null {
    return this.tail
  }

  /** Adds a member that is not in the set. */
  insert(member: string, score: number): ZNode {
    this.checkConvert(member.length, this.length + 1)
    // A listpack stores integral scores as integers (zzlInsertAt's double2ll): -0 → 0.
    if (score === 0 && this.index === null) score = 0
    const node = new ZNode(member, score, randomLevel())
    this.link(node)
    this.dict.set(member, node)
    if (this.index !== null) this.index.add(member)
    return node
  }

  /** zslInsert's linking of a node (new, or unlinked by setScore) at its place. */
  private link(node: ZNode): void {
    const { score, member } = node
    let x = this.header
    for (let i = this.level - 1; i >= 0; i--) {
      rankArr[i] = i === this.level - 1 ? 0 : rankArr[i + 1]!
      let nx = x.next[i]!
      while (nx !== null && before(nx, score, member)) {
        rankArr[i]! += x.span[i]!
        x = nx
        nx = x.next[i]!
      }
      update[i] = x
    }
    const level = node.next.length
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rankArr[i] = 0
        update[i] = this.header
        this.header.span[i] = this.length
      }
      this.level = level
    }
    for (let i = 0; i < level; i++) {
      const u = update[i]!
      node.next[i] = u.next[i]!
      u.next[i] = node
      node.span[i] = u.span[i]! - (rankArr[0]! - rankArr[i]!)
      u.span[i] = rankArr[0]! - rankArr[i]! + 1
    }
    for (let i = level; i < this.level; i++) update[i]!.span[i]!++
    node.backward = update[0] === this.header ? null : update[0]!
    if (node.next[0] !== null) node.next[0]!.backward = node
    else this.tail = node
    this.length++
  }

  /** zslDeleteNode with `update` filled. */
  private unlink(x: ZNode): void {
    for (let i = 0; i < this.level; i++) {
      const u = update[i]!
      if (u.next[i] === x) {
        u.span[i]! += x.span[i]! - 1
        u.next[i] = x.next[i]!
      } else {
        u.span[i]!--
      }
    }
    if (x.next[0] !== null) x.next[0]!.backward = x.backward
    else this.tail = x.backward
    while (this.level > 1 && this.header.next[this.level - 1] === null) this.level--
    this.length--
  }

  /** Fills `update` with the last nodes before (score, member) at each level. */
  private findUpdate(score: number, member: string): ZNode | null {
    let x = this.header
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next[i]!
      while (nx !== null && before(nx, score, member)) {
        x = nx
        nx = x.next[i]!
      }
      update[i] = x
    }
    return x.next[0]!
  }

  delete(member: string): boolean {
    const node = this.dict.get(member)
    if (node === undefined) return false
    this.findUpdate(node.score, member)
    this.unlink(node)
    this.dict.delete(member)
    if (this.index !== null) this.index.delete(member)
    return true
  }

  /** zslUpdateScore: changes the score of a member in the set. */
  setScore(member: string, score: number): void {
    const node = this.dict.get(member)!
    if (score === 0 && this.index === null) score = 0
    if (node.score === score) return
    const b = node.backward
    const f = node.next[0]!
    if ((b === null || b.score < score || (b.score === score && b.member < member)) &&
      (f === null || f.score > score || (f.score === score && f.member > member))) {
      node.score = score
      return
    }
    // Remove and re-insert the same node (zslUpdateScore), dict and index untouched.
    this.findUpdate(node.score, member)
    this.unlink(node)
    node.score = score
    this.link(node)
  }

  /** 0-based rank of a member (ascending), or -1 when absent. */
  rank(member: string): number {
    const node = this.dict.get(member)
    if (node === undefined) return -1
    const { score } = node
    let rank = 0
    let x = this.header
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next[i]!
      while (nx !== null && (nx.score < score || (nx.score === score && nx.member <= member))) {
        rank += x.span[i]!
        x = nx
        nx = x.next[i]!
      }
      if (x === node) return rank - 1
    }
    return -1
  }

  /** The node at a 0-based rank (0 <= rank < size). */
  byRank(rank: number): ZNode | null {
    const target = rank + 1
    let traversed = 0
    let x = this.header
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next[i]!
      while (nx !== null && traversed + x.span[i]! <= target) {
        traversed += x.span[i]!
        x = nx
        nx = x.next[i]!
      }
      if (traversed === target) return x
    }
    return null
  }

  /** First node within the score range, or null. */
  firstInRange(r: ScoreRange): ZNode | null {
    if (!this.isInRange(r)) return null
    let x = this.header
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next[i]!
      while (nx !== null && !scoreGteMin(nx.score, r)) {
        x = nx
        nx = x.next[i]!
      }
    }
    const n = x.next[0]!
    return n !== null && scoreLteMax(n.score, r) ? n : null
  }

  lastInRange(r: ScoreRange): ZNode | null {
    if (!this.isInRange(r)) return null
    let x = this.header
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next[i]!
      while (nx !== null && scoreLteMax(nx.score, r)) {
        x = nx
        nx = x.next[i]!
      }
    }
    return x !== this.header && scoreGteMin(x.score, r) ? x : null
  }

  private isInRange(r: ScoreRange): boolean {
    if (r.min > r.max || (r.min === r.max && (r.minex || r.maxex))) return false
    const t = this.tail
    if (t === null || !scoreGteMin(t.score, r)) return false
    const h = this.header.next[0]!
    return h !== null && scoreLteMax(h.score, r)
  }

  firstInLexRange(r: LexRange): ZNode | null {
    if (!this.isInLexRange(r)) return null
    let x = this.header
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next[i]!
      while (nx !== null && !lexGteMin(nx.member, r)) {
        x = nx
        nx = x.next[i]!
      }
    }
    const n = x.next[0]!
    return n !== null && lexLteMax(n.member, r) ? n : null
  }

  lastInLexRange(r: LexRange): ZNode | null {
    if (!this.isInLexRange(r)) return null
    let x = this.header
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next[i]!
      while (nx !== null && lexLteMax(nx.member, r)) {
        x = nx
        nx = x.next[i]!
      }
    }
    return x !== this.header && lexGteMin(x.member, r) ? x : null
  }

  private isInLexRange(r: LexRange): boolean {
    const cmp = lexCmp(r.min, r.max)
    if (cmp > 0 || (cmp === 0 && (r.minex || r.maxex))) return false
    const t = this.tail
    if (t === null || !lexGteMin(t.member, r)) return false
    const h = this.header.next[0]!
    return h !== null && lexLteMax(h.member, r)
  }

  /** Removes the nodes from `start` while `inRange` holds; returns how many. */
  private deleteFrom(start: ZNode | null, inRange: (n: ZNode) => boolean): number {
    if (start === null) return 0
    this.findUpdate(start.score, start.member)
    let x: ZNode | null = start
    let removed = 0
    while (x !== null && inRange(x)) {
      const next: ZNode | null = x.next[0]!
      this.unlink(x)
      this.dict.delete(x.member)
      if (this.index !== null) this.index.delete(x.member)
      removed++
      x = next
    }
    return removed
  }

  deleteRangeByScore(r: ScoreRange): number {
    return this.deleteFrom(this.firstInRange(r), (n) => scoreLteMax(n.score, r))
  }

  deleteRangeByLex(r: LexRange): number {
    return this.deleteFrom(this.firstInLexRange(r), (n) => lexLteMax(n.member, r))
  }

  /** Removes ranks start..end (0-based, inclusive, already clamped). */
  deleteRangeByRank(start: number, end: number): number {
    let left = end - start + 1
    return this.deleteFrom(this.byRank(start), () => left-- > 0)
  }

  /** A uniformly random node (O(log N)). */
  random(): ZNode {
    return this.byRank(Math.floor(Math.random() * this.length))!
  }

  /** Elements in order, for SORT. */
  *sortElements(): IterableIterator<string> {
    for (let x = this.header.next[0]!; x !== null; x = x.next[0]!) yield x.member
  }

  forEach(fn: (member: string, score: number) => void): void {
    for (let x = this.header.next[0]!; x !== null; x = x.next[0]!) fn(x.member, x.score)
  }

  /**
   * ZSCAN: a listpack is returned whole (cursor 0); a skiplist through its ScanIndex.
   */
  scan(cursor: number, count: number, emit: (member: string) => void): number {
    if (this.index === null) {
      this.forEach((m) => emit(m))
      return 0
    }
    return this.index.scan(cursor, count, emit)
  }

  /** zsetDup (COPY): same elements, same encoding. */
  clone(): RedisZset {
    const z = new RedisZset(this.limits)
    if (this.index !== null) z.convert()
    for (let x = this.tail; x !== null; x = x.backward) z.insert(x.member, x.score)
    return z
  }
}
