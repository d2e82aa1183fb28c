// solidity-coverage (`npm run coverage`): instrumented contracts run the whole suite except the
// paper experiments (hundreds of elections, minutes even uninstrumented) and the gas snapshot
// (instrumentation changes gas); the property and differential tests run fewer cases
// (PROPERTY_SEQUENCES, DIFFERENTIAL_RUNS, set by the npm script).
module.exports = {
  skipFiles: ["test/"],
  istanbulReporter: ["text", "json-summary", "lcov"],
  mocha: { grep: "experiments:|gas snapshot", invert: true },
};
