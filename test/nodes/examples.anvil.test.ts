// scripts/examples/ against Anvil (`npm run test:nodes`).
import { describeExamples } from "./examplesSuite";

describeExamples("anvil");
