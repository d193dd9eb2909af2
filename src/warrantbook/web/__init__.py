"""The web app and HTTP API (issue 5): FastAPI + Jinja2 + htmx over the same engine as the CLI.

`create_app(source)` builds the application; `warrantbook serve` runs it. The API lives under /api with its
OpenAPI at /openapi.json; the pages are server-rendered. Roles (web.roles) keep the holder, the company, the
option agent and the auditor each in its lane; the agreement itself is decided by core.decide.
"""

from warrantbook.web.app import app_from_env, create_app

__all__ = ["app_from_env", "create_app"]
