// The pure-JavaScript Keccak of the `keccak` package (no native build needed): ~3 µs a 64-byte
// hash here, three times @noble/hashes'. Only what the election keys use is declared.
declare module "keccak/js" {
  interface Hash {
    update(data: Buffer): Hash;
    digest(): Buffer;
  }
  function createKeccakHash(algorithm: "keccak256"): Hash;
  export = createKeccakHash;
}
