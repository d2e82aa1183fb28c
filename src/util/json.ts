// The one JSON encoder for values that hold bigints (token amounts in WAD, uint256 ids): a bigint
// is written as its decimal string, so no precision is lost, and read back with BigInt().
/** JSON text of `v`, with every bigint as its decimal string; `indent` as JSON.stringify's. */
export const toJson = (v: unknown, indent?: number) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x), indent);
