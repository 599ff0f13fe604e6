import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';

/**
 * `/docs`, an API reference page served from npm (swagger-ui-dist): nothing from a CDN. It renders `/openapi.json`,
 * which the document declares itself (src/http/openapi/document.ts). Its assets are files, not operations: the
 * document does not list them.
 */
export function docsRoutes(): Router {
  const router = Router();
  router.use(
    '/docs',
    swaggerUi.serve,
    swaggerUi.setup(undefined, {
      customSiteTitle: 'Sequencer API reference',
      // The top bar is a box to load other documents: not what this page is for.
      customCss: '.swagger-ui .topbar { display: none }',
      swaggerOptions: { url: '/openapi.json', persistAuthorization: true, tryItOutEnabled: false },
    }),
  );
  return router;
}
