import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Security headers (helmet) with a Content Security Policy the built client satisfies: scripts,
 * styles, fonts and workers only from this server, nothing from outside (the intranet has no
 * internet anyway, and a page that tries is a page that was tampered with).
 *
 * No `upgrade-insecure-requests` and no HSTS by default: many intranet installations serve plain
 * HTTP, and those headers would lock browsers out of them. Behind a TLS proxy, the proxy sets HSTS.
 */
export function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'same-origin' },
  });
}

/**
 * `Cache-Control: no-store` on every API answer unless its route says otherwise: incidents, cases,
 * timelines, tasks, users, tokens and the audit log may carry personal data, and neither the browser
 * nor a proxy should keep them. Routes that serve public, unchanging data set their own caching (the
 * city's layers with their ETag, the catalog, the photos of a case privately).
 */
export function noStoreByDefault(): RequestHandler {
  return (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  };
}
