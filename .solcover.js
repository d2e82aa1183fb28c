// solidity-coverage (`npm run coverage`): instrumented contracts run the whole suite except the
// paper experiments (hundreds of elections, minutes even uninstrumented) and the gas snapshot
// (instrumentation changes gas); the system property test runs fewer sequences (PROPERTY_SEQUENCES).
module.exports = {
  skipFiles: ["test/"],
  istanbulReporter: ["text", "json-summary", "lcov"],
  mocha: { grep: "experiments:|gas snapshot", invert: true },
};
