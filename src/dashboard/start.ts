// Starts a whole dashboard: bundles the page, connects the data layer to the chain, serves both.
// Used by `npm run dashboard`, `npm run network`, the browser test and the first-paint benchmark.
import { DEFAULT_DASHBOARD_OPTIONS, DashboardData, type DashboardOptions } from "./data";
import { DEFAULT_SERVER_OPTIONS, createDashboardServer, type ServerOptions } from "./server";
import { DEFAULT_ASSETS_DIR, bundlePage } from "./bundle";

export interface Dashboard {
  url: string;
  data: DashboardData;
  /** Bytes of the bundled page, by file. */
  assets: Record<string, number>;
  stop(): Promise<void>;
}

export async function startDashboard(options: Partial<DashboardOptions & ServerOptions> = {}): Promise<Dashboard> {
  const assetsDir = options.assetsDir ?? DEFAULT_ASSETS_DIR;
  const assets = await bundlePage(assetsDir);
  const data = new DashboardData({ ...DEFAULT_DASHBOARD_OPTIONS, ...options });
  data.start();
  let app;
  try {
    app = await createDashboardServer(data, { ...DEFAULT_SERVER_OPTIONS, ...options, assetsDir });
  } catch (e) {
    await data.stop();
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const host = options.host ?? DEFAULT_SERVER_OPTIONS.host;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    data,
    assets,
    stop: async () => {
      await app.close();
      await data.stop();
    },
  };
}
