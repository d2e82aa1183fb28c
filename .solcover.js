// solidity-coverage (`npm run coverage`): instrumented contracts run the whole suite except the
// paper experiments (hundreds of elections, minutes even uninstrumented), the gas snapshot
// (instrumentation changes gas) and the end-to-end network test (its separate `hardhat node`
// deploys the instrumented contracts, which exceed the 24 KiB code limit, and it covers
// processes, not contract lines) and the keeper index's property (it tests the TypeScript mirror,
// and took minutes instrumented); the property and differential tests run fewer cases
// (PROPERTY_SEQUENCES, DIFFERENTIAL_RUNS, set by the npm script).
module.exports = {
  skipFiles: ["test/"],
  istanbulReporter: ["text", "json-summary", "lcov"],
  mocha: { grep: "experiments:|gas snapshot|network on [a-z]+: node, keeper|keeper's index equals the lens", invert: true },
};
