// Planning reads and writes in blocks. Excel on the web refuses a request
// or response over 5 MB, and one huge sync freezes Excel on the desktop,
// so a sheet goes over the wire a few thousand rows at a time.

/** Excel on the web's cap on one request or response. */
export const REQUEST_LIMIT = 5 * 1024 * 1024;
/** What a block aims for: under the cap with room for Excel's own framing. */
export const BLOCK_BUDGET = 3.5 * 1024 * 1024;
/** Fewer rows per sync than this only when rows are very wide. */
export const MAX_BLOCK_ROWS = 20000;

const encoder = new TextEncoder();

/** UTF-8 bytes of a value as JSON (what goes over the wire). */
export function jsonBytes(value) {
  return encoder.encode(JSON.stringify(value)).length;
}

/** Rows that fit in `budget` bytes at `rowBytes` each, at least one. */
export function rowsPerBlock(rowBytes, budget = BLOCK_BUDGET, maxRows = MAX_BLOCK_ROWS) {
  const fit = Math.floor(budget / Math.max(1, rowBytes));
  return Math.max(1, Math.min(maxRows, fit));
}

/**
 * Splits rows already in hand (to be written) so that no block's JSON
 * exceeds `budget` bytes or `maxRows` rows. Returns {start, count} over
 * the array's indexes.
 */
export function chunkByBytes(rows, budget = BLOCK_BUDGET, maxRows = MAX_BLOCK_ROWS) {
  const blocks = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < rows.length; i++) {
    const size = jsonBytes(rows[i]) + 1;
    const count = i - start;
    if (count > 0 && (bytes + size > budget || count >= maxRows)) {
      blocks.push({ start, count });
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  if (rows.length > start) blocks.push({ start, count: rows.length - start });
  return blocks;
}

/** True for Excel's "request or response too large" refusal. */
export function isPayloadLimit(error) {
  const code = error?.code ?? error?.debugInfo?.code ?? "";
  return code === "RequestPayloadSizeLimitExceeded" || code === "ResponsePayloadSizeLimitExceeded";
}

/**
 * Reads `total` rows from `start` through `read(start, count)` (which
 * returns that block's rows), sizing each block from the bytes of the rows
 * read so far. A block Excel refuses as too large is retried at half the
 * size. `onBlock(doneRows)` reports progress; `cancelled()` stops between
 * blocks by throwing a `Cancelled` error.
 */
export async function readInBlocks(read, total, { start = 0, firstBlock = 2000, onBlock, cancelled, budget = BLOCK_BUDGET } = {}) {
  const rows = [];
  let perBlock = Math.max(1, Math.min(firstBlock, total));
  let bytesSeen = 0;
  while (rows.length < total) {
    if (cancelled?.()) throw new Cancelled();
    const count = Math.min(perBlock, total - rows.length);
    let block;
    try {
      block = await read(start + rows.length, count);
    } catch (error) {
      if (isPayloadLimit(error) && count > 1) {
        perBlock = Math.max(1, Math.floor(count / 2));
        continue;
      }
      throw error;
    }
    for (const row of block) rows.push(row);
    bytesSeen += jsonBytes(block);
    perBlock = rowsPerBlock(bytesSeen / rows.length, budget);
    onBlock?.(rows.length);
  }
  return rows;
}

export class Cancelled extends Error {
  constructor() {
    super("cancelled");
    this.name = "Cancelled";
  }
}
