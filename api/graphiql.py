"""GraphiQL, served entirely by this app: the page and the React and GraphiQL builds installed from npm.

Intranet deployments have no internet, so nothing loads from a CDN. ``make setup`` runs ``npm ci`` at the
project root; the files below are served from ``node_modules`` by name (an allowlist, not a directory).
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

from graph.settings import PROJECT_ROOT

NODE_MODULES = PROJECT_ROOT / "node_modules"
ASSETS: dict[str, tuple[str, str]] = {
    "react.production.min.js": ("react/umd/react.production.min.js", "text/javascript"),
    "react-dom.production.min.js": ("react-dom/umd/react-dom.production.min.js", "text/javascript"),
    "graphiql.min.js": ("graphiql/graphiql.min.js", "text/javascript"),
    "graphiql.min.css": ("graphiql/graphiql.min.css", "text/css"),
}

PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <title>gridgraph GraphQL</title>
  <link rel="stylesheet" href="/assets/graphiql.min.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/assets/react.production.min.js"></script>
  <script src="/assets/react-dom.production.min.js"></script>
  <script src="/assets/graphiql.min.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: "/graphql" });
    const root = ReactDOM.createRoot(document.getElementById("graphiql"));
    root.render(React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: "headers",
      headers: JSON.stringify({ Authorization: "Bearer <token from `gridgraph token create`>" }, null, 2),
      shouldPersistHeaders: true,
      defaultQuery: "{\\n  me { name role scope }\\n  uncontactedHouseholds(first: 5) {\\n    totalCount\\n"
        + "    nodes { code address members { name tags } }\\n  }\\n}\\n",
    }));
  </script>
</body>
</html>
"""


def asset_path(name: str) -> Path | None:
    entry = ASSETS.get(name)
    return NODE_MODULES / entry[0] if entry else None


async def graphiql_page(_: Request) -> Response:
    return HTMLResponse(PAGE)


async def asset(request: Request) -> Response:
    name = request.path_params["name"]
    path = asset_path(name)
    if path is None:
        return PlainTextResponse("not found", status_code=404)
    if not path.is_file():
        return PlainTextResponse("GraphiQL's files are not installed: run `make setup` (npm ci).", status_code=404)
    return FileResponse(path, media_type=ASSETS[name][1], headers={"Cache-Control": "public, max-age=86400"})
