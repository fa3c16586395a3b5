"""The JSON API (/api/v1): FastAPI routes, request and response models (the OpenAPI schemas), and the
problem+json error handlers. Handlers call one service method; no rule is decided here."""
