// Half 2 of the system property test (test/invariants/systemModel.ts): mocha runs the two halves on separate cores.
import { systemProperty } from "./systemModel";

systemProperty(1, 20261125);
