// Bundles the dashboard's page (src/dashboard/page/) with esbuild into a git-ignored folder: one
// script, one stylesheet (uPlot's with ours) and the HTML shell. Everything the browser loads comes
// from this project and its npm packages; nothing is fetched from the internet.
import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";

export const PAGE_DIR = path.join(__dirname, "page");
export const DEFAULT_ASSETS_DIR = path.join(__dirname, "..", "..", "dist", "dashboard");

/** Build the page into `outDir`; returns the sizes of what the browser downloads, in bytes. */
export async function bundlePage(outDir = DEFAULT_ASSETS_DIR): Promise<Record<string, number>> {
  fs.mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: { app: path.join(PAGE_DIR, "main.ts") },
    bundle: true,
    outdir: outDir,
    format: "iife",
    target: "es2020",
    minify: true,
    legalComments: "none",
    logLevel: "silent",
    tsconfig: path.join(PAGE_DIR, "tsconfig.json"),
  });
  fs.copyFileSync(path.join(PAGE_DIR, "index.html"), path.join(outDir, "index.html"));
  return Object.fromEntries(["index.html", "app.js", "app.css"].map((f) => [f, fs.statSync(path.join(outDir, f)).size]));
}
