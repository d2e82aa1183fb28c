// Paper 1 (credit-based DPoS for distributed PV trading), section 3: the 10-node example.

/** One row of paper 1 Table 2 / Table 3, as attribute values in [0, 10]. */
export interface Paper1Node {
  frequency: bigint; // F (交易频次)
  quality: bigint; // D (交易质量)
  capacity: bigint; // P (交易容量)
  loss: bigint; // ΔC− (信用损耗)
  gain: bigint; // ΔC+ (信用增益)
}

/** Paper 1 Table 2: the attributes of the 10 nodes. */
export const TABLE_2: readonly Paper1Node[] = [
  { frequency: 4n, quality: 6n, capacity: 2n, loss: 1n, gain: 0n },
  { frequency: 4n, quality: 8n, capacity: 2n, loss: 1n, gain: 0n },
  { frequency: 4n, quality: 5n, capacity: 3n, loss: 1n, gain: 0n },
  { frequency: 4n, quality: 7n, capacity: 3n, loss: 1n, gain: 0n },
  { frequency: 6n, quality: 6n, capacity: 4n, loss: 0n, gain: 0n },
  { frequency: 6n, quality: 9n, capacity: 5n, loss: 0n, gain: 1n },
  { frequency: 6n, quality: 8n, capacity: 6n, loss: 0n, gain: 0n },
  { frequency: 8n, quality: 7n, capacity: 7n, loss: 0n, gain: 1n },
  { frequency: 8n, quality: 6n, capacity: 8n, loss: 0n, gain: 1n },
  { frequency: 8n, quality: 8n, capacity: 8n, loss: 0n, gain: 0n },
];

/** Paper 1 Table 3: nodes 5, 6, 7 in the second experiment (better quality and capacity). */
export const TABLE_3: Readonly<Record<number, Pick<Paper1Node, "frequency" | "quality" | "capacity">>> = {
  5: { frequency: 6n, quality: 8n, capacity: 7n },
  6: { frequency: 6n, quality: 9n, capacity: 6n },
  7: { frequency: 6n, quality: 9n, capacity: 6n },
};
