// Preloaded (node --require) into the example scripts by examplesSuite.ts: any attempt to load
// Hardhat or one of its plugins fails the script, proving the examples need only ethers,
// TypeChain and src/.
// eslint-disable-next-line @typescript-eslint/no-require-imports, no-undef
const Module = require("node:module");
const load = Module._load;
Module._load = function (request, ...rest) {
  if (/^(hardhat)(\/|$)|^@nomicfoundation\/hardhat/.test(request)) throw new Error(`example scripts must not load ${request}`);
  return load.call(this, request, ...rest);
};
