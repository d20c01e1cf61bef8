// The view's routes. Like the admin routes they are not part of the Nexus API: no key (the view
// shows every key's traces), loopback callers only, and no faults, latency or request log.
import type { Reply } from '../reply.js';
import type { Store } from '../store.js';
import { listPage } from './list-page.js';
import { notFound } from './layout.js';
import { tracePage } from './trace-page.js';

export type ViewHandler = (store: Store, params: URLSearchParams) => Reply;

const TRACE_PAGE = /^\/view\/traces\/([^/]+)$/;

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // undecodable: looked up as-is, which finds nothing
  }
}

/** null: not a view route (the API's routing decides). Only GET is served. */
export function viewRoute(method: string, pathname: string): ViewHandler | null {
  if (method !== 'GET') return null;
  if (pathname === '/') return () => ({ status: 302, headers: { location: '/view' }, body: '' });
  if (pathname === '/view' || pathname === '/view/') return (store, params) => listPage(store.snapshotNewestFirst(), params.get('q') ?? '');
  const match = TRACE_PAGE.exec(pathname);
  if (match?.[1] !== undefined) {
    const id = decode(match[1]);
    return (store) => {
      const trace = store.snapshotById(id);
      return trace ? tracePage(trace) : notFound(`No trace with id ${id} on this server.`);
    };
  }
  if (pathname.startsWith('/view/')) return () => notFound('This page does not exist.');
  return null;
}
