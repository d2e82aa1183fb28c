// SVG charts of the experiments' counts: a grouped bar chart (one group a node, one bar a series:
// an experiment, a variant or a model) and a line chart over epochs with a band of ± one standard
// deviation, compiled from vega-lite and rendered headless by vega.
import fs from "node:fs";
import type { TopLevelSpec } from "vega-lite";

// vega and vega-lite are ES modules with top-level await, which `require` cannot load; TypeScript
// compiles `import()` to `require` under CommonJS, so the native dynamic import is kept in a Function.
const importModule = new Function("specifier", "return import(specifier)") as <T>(specifier: string) => Promise<T>;

export interface Bar {
  node: number;
  series: string;
  value: number;
  /** Standard deviation over repeated runs, drawn as an error bar when given. */
  sd?: number;
}

/** An SVG grouped bar chart of `bars`; `yTitle` names the value axis, `xTitle` the groups. */
export async function barChartSvg(title: string, yTitle: string, bars: Bar[], xTitle = "node"): Promise<string> {
  // counts cannot go below zero, so neither does an error bar
  const data = bars.map((b) => ({ ...b, low: Math.max(0, b.value - (b.sd ?? 0)), high: b.value + (b.sd ?? 0) }));
  const x = { field: "node", type: "ordinal", title: xTitle } as const;
  const xOffset = { field: "series" } as const;
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: 520,
    height: 260,
    config: { legend: { labelLimit: 400 }, axisX: { labelAngle: 0 } },
    data: { values: data },
    layer: [
      {
        mark: "bar",
        encoding: {
          x,
          xOffset,
          y: { field: "value", type: "quantitative", title: yTitle },
          color: { field: "series", type: "nominal", title: null },
          tooltip: [{ field: "series" }, { field: "node" }, { field: "value" }],
        },
      },
      ...(bars.some((b) => b.sd !== undefined)
        ? [
            {
              mark: { type: "rule", color: "black" },
              encoding: { x, xOffset, y: { field: "low", type: "quantitative" }, y2: { field: "high" } },
            } as const,
          ]
        : []),
    ],
  };
  return render(spec);
}

export interface Point {
  x: number;
  series: string;
  value: number;
  /** Standard deviation over the seeds: drawn as a band of ± one sd. */
  sd: number;
}

/** An SVG line chart of `points`, one line a series, each with its ± sd band. */
export async function lineChartSvg(title: string, xTitle: string, yTitle: string, points: Point[]): Promise<string> {
  const data = points.map((p) => ({ ...p, low: Math.max(0, p.value - p.sd), high: p.value + p.sd }));
  const x = { field: "x", type: "quantitative", title: xTitle, axis: { tickMinStep: 1 } } as const;
  const color = { field: "series", type: "nominal", title: null } as const;
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: 520,
    height: 260,
    config: { legend: { labelLimit: 400 } },
    data: { values: data },
    layer: [
      {
        mark: { type: "area", opacity: 0.2 },
        encoding: { x, y: { field: "low", type: "quantitative", title: yTitle }, y2: { field: "high" }, color },
      },
      {
        mark: { type: "line", point: true },
        encoding: {
          x,
          y: { field: "value", type: "quantitative" },
          color,
          tooltip: [{ field: "series" }, { field: "x" }, { field: "value" }, { field: "sd" }],
        },
      },
    ],
  };
  return render(spec);
}

/** The SVG of a vega-lite spec, rendered headless. */
async function render(spec: TopLevelSpec): Promise<string> {
  const vega = await importModule<typeof import("vega")>("vega");
  const { compile } = await importModule<typeof import("vega-lite")>("vega-lite");
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Writes the chart to `file` and returns its path. */
export async function writeBarChart(file: string, title: string, yTitle: string, bars: Bar[], xTitle = "node"): Promise<string> {
  fs.writeFileSync(file, await barChartSvg(title, yTitle, bars, xTitle));
  return file;
}
