// Tasks on a fresh clone (issue 24 item 5): `ensureCompiled` compiles when the TypeChain types are
// missing, generates the types alone when only they are, does nothing when they are there, keeps
// the compiler's lines off stdout (a task's --json result), and says so when compiling did not help.
import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { ensureCompiled } from "../../tasks/lib/compiled";
import { tempDir } from "../delegate/helpers";

/** A Hardhat runtime over a temporary root whose tasks write the types index when told to. */
function runtime(writesIndex: { compile: boolean; typechain: boolean }) {
  const root = tempDir("compiled");
  const index = path.join(root, "types", "index.ts");
  const ran: string[] = [];
  const write = () => {
    fs.mkdirSync(path.dirname(index), { recursive: true });
    fs.writeFileSync(index, "export {};\n");
  };
  const hre = {
    config: { paths: { root }, typechain: { outDir: "types" } },
    async run(task: string) {
      ran.push(task);
      console.log(`${task}: done`); // as Hardhat's compiler reports
      if (writesIndex[task as "compile" | "typechain"]) write();
    },
  };
  return { hre, ran, index, write };
}

/** Run `f` with console.log and console.error captured. */
async function captured(f: () => Promise<void>) {
  const out: string[] = [];
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...a: unknown[]) => void out.push(a.join(" "));
  console.error = (...a: unknown[]) => void err.push(a.join(" "));
  try {
    await f();
  } finally {
    [console.log, console.error] = [log, error];
  }
  return { out, err };
}

describe("tasks compile what they need first", () => {
  it("compiles when the types are missing, with the compiler's lines on stderr", async () => {
    const r = runtime({ compile: true, typechain: false });
    const { out, err } = await captured(() => ensureCompiled(r.hre));
    expect(r.ran).to.deep.equal(["compile"]);
    expect(fs.existsSync(r.index)).to.equal(true);
    expect(out, "stdout keeps the task's result alone").to.deep.equal([]);
    expect(err.join("\n")).to.include("compiling the contracts first").and.to.include("compile: done");
  });

  it("generates the types from the artifacts when compiling had nothing to do, and does nothing once they exist", async () => {
    const r = runtime({ compile: false, typechain: true });
    await captured(() => ensureCompiled(r.hre));
    expect(r.ran).to.deep.equal(["compile", "typechain"]);
    await ensureCompiled(r.hre);
    expect(r.ran, "nothing run when the types are there").to.deep.equal(["compile", "typechain"]);
  });

  it("fails naming the missing file when compiling did not produce it", async () => {
    const r = runtime({ compile: false, typechain: false });
    let failure: unknown;
    await captured(() => ensureCompiled(r.hre).catch((e: unknown) => void (failure = e)));
    expect(String(failure)).to.include(r.index).and.to.include("npx hardhat compile");
  });
});
