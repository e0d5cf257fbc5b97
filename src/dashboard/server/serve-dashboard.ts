import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import type { CollectiveStore } from '../../store/index.js';
import type { RunInfo } from '../view-model/wire.js';
import { createDashboardApp } from './create-dashboard-app.js';
import { DashboardModel, type DashboardModelOptions } from './dashboard-model.js';
import { startChangesFeed } from './changes-feed.js';
import { type UiAssets, loadUiAssets } from './ui-assets.js';

export const DEFAULT_DASHBOARD_PORT = 7420;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export interface DashboardOptions {
  store: CollectiveStore;
  run: RunInfo;
  logPath: (instanceId: string) => string;
  /** Default 127.0.0.1. Anything else requires a token on every request. */
  host?: string;
  /** Default 7420, or any free port when that one is taken; 0 picks a free port. */
  port?: number;
  /** The token for a non-loopback host; generated when absent. */
  token?: string;
  assets?: UiAssets;
  model?: DashboardModelOptions;
}

export interface DashboardServer {
  /** The address to open (with the token when one is needed). */
  url: string;
  port: number;
  token: string | null;
  model: DashboardModel;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Loads the run's history, then serves the dashboard. */
export async function startDashboard(options: DashboardOptions): Promise<DashboardServer> {
  const host = options.host ?? '127.0.0.1';
  const loopback = LOOPBACK.has(host);
  const token = loopback ? null : (options.token ?? randomBytes(24).toString('base64url'));
  const assets = options.assets ?? loadUiAssets();
  const model = new DashboardModel(options.store, options.model);
  await model.start();
  const onError = options.model?.onError;
  const changes = await startChangesFeed({ store: options.store, runDirectory: options.run.runDirectory, model, ...(onError === undefined ? {} : { onError }) });
  const allowedHosts: string[] = [];
  const app = createDashboardApp({
    store: options.store,
    model,
    changes,
    run: options.run,
    assets,
    logPath: options.logPath,
    allowedHosts,
    ...(token === null ? {} : { token }),
  });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  let port: number;
  try {
    const wanted = options.port ?? DEFAULT_DASHBOARD_PORT;
    try {
      port = await listen(server, wanted, host);
    } catch (error) {
      const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (!inUse || options.port !== undefined) throw error;
      port = await listen(server, 0, host);
    }
  } catch (error) {
    changes.close();
    await model.close();
    const reason = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? `port ${options.port} is already in use` : (error as Error).message;
    throw new Error(`the dashboard cannot listen on ${host}: ${reason}`);
  }
  if (loopback) allowedHosts.push(`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/${token === null ? '' : `?token=${token}`}`;
  return {
    url,
    port,
    token,
    model,
    close: async () => {
      changes.close();
      await model.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
