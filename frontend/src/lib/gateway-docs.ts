/**
 * The gateway's Swagger UI: every published API, served by Sluice itself (no CDN), so
 * it opens on a network without internet. Not a dashboard route: a plain link to it.
 */
export const gatewayDocsUrl = "/api/v1/gateway/docs";
