// The whole network on Anvil (`npm run test:nodes`): the same suite as `npm test`'s on `hardhat node`.
import { describeNetwork } from "../services/networkSuite";

describeNetwork("anvil", (line) => console.log(`      ${line}`));
