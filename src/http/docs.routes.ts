import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import { openApiDocument } from './openapi/document';

/** `/openapi.json` and `/docs`, an API reference page served from npm (swagger-ui-dist): nothing from a CDN. */
export function docsRoutes(): Router {
  const router = Router();
  let json: string | undefined; // 260 kB: serialized once, not per request
  router.get('/openapi.json', (_req, res) => {
    json ??= JSON.stringify(openApiDocument());
    res.type('json').send(json);
  });
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
