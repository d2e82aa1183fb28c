// The whole network on `hardhat node`, in `npm test` (the same on Anvil runs in `npm run test:nodes`).
import { describeNetwork } from "./networkSuite";

describeNetwork("hardhat");
