// The experiments' charts render headless to SVG: the bar chart (Figs. 2 and 4, the model
// comparison) and the line chart with its ± sd band (the throughput experiment, Figs. 5-6). A
// chart that failed to render used to surface only at the end of a long experiments run.
import { expect } from "chai";
import { barChartSvg, lineChartSvg } from "../../experiments/charts";

describe("experiment charts", () => {
  it("draw a bar chart and a line chart with every series named in the legend", async () => {
    const bars = await barChartSvg("counts per node", "runs", [
      { node: 1, series: "exp. one", value: 3, sd: 1 },
      { node: 2, series: "exp. two", value: 5 },
    ]);
    const lines = await lineChartSvg("trades over epochs", "epoch", "trades", [
      { x: 0, series: "classic DPoS", value: 10, sd: 2 },
      { x: 1, series: "classic DPoS", value: 12, sd: 0 },
      { x: 0, series: "DT-DPoS", value: 9, sd: 1 },
    ]);
    for (const [svg, words] of [
      [bars, ["counts per node", "exp. one", "exp. two", "runs"]],
      [lines, ["trades over epochs", "classic DPoS", "DT-DPoS", "epoch"]],
    ] as const) {
      expect(svg.startsWith("<svg"), svg.slice(0, 40)).to.equal(true);
      for (const w of words) expect(svg).to.include(w);
    }
  });
});
