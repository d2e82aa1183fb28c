// scripts/examples/ against `hardhat node` (`npm run test:nodes`).
import { describeExamples } from "./examplesSuite";

describeExamples("hardhat");
