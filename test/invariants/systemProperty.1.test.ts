// Half 1 of the system property test (test/invariants/systemModel.ts): mocha runs the two halves on separate cores.
import { systemProperty } from "./systemModel";

systemProperty(0, 20261124);
