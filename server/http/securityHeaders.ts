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
