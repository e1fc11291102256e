import { createHash } from 'node:crypto';
import { CLIENT_CSS, CLIENT_JS } from './client-bundle.generated';

/** A static asset, served from memory under a content-hashed path (cacheable for good). */
export interface Asset {
  path: string;
  body: string;
  type: string;
}

function asset(name: string, extension: string, body: string, type: string): Asset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { path: `/assets/${name}.${hash}.${extension}`, body, type };
}

export const ASSETS = {
  js: asset('page', 'js', CLIENT_JS, 'text/javascript; charset=utf-8'),
  css: asset('page', 'css', CLIENT_CSS, 'text/css; charset=utf-8'),
} as const;
